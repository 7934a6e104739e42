package progress

import (
	"bytes"
	"strings"
	"testing"
)

// Output of Docker 20.10's BuildKit, with its digest lines and vertices out
// of number order.
const docker2010 = `#2 [internal] load .dockerignore
#2 sha256:27a7705f115d21c647cf9301f2568f6685b769bf4e8bd36a4a3822f0428bec72
#2 transferring context: 2B done
#2 DONE 0.1s

#4 [1/4] FROM docker.io/library/bbox:1
#4 sha256:8e031043d45451849ff816e5921c2526ae1e899decdf37478a97cc8a39cee696
#4 DONE 0.1s

#5 [2/4] WORKDIR /app
#5 CACHED

#8 [4/4] RUN echo hello && cat a.txt
#8 sha256:0e5549b95c3a75437aee33a16488bfe6499fd5f2936807f57784e6ea28883b1d
#8 3.642 hello
#8 3.678 hi
#8 DONE 3.8s

#9 [3/3] RUN exit 3
#9 0.201 oops
#9 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3
`

func TestParsePlainDocker(t *testing.T) {
	vs, err := ParsePlain(strings.NewReader(docker2010))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 5 {
		t.Fatalf("%d vertices, want 5", len(vs))
	}
	if vs[0].Step() || !vs[1].Step() {
		t.Error("internal vs step misclassified")
	}
	if !vs[2].Cached || vs[2].Instruction() != "WORKDIR /app" {
		t.Errorf("WORKDIR = %+v", vs[2])
	}
	if run := vs[3]; run.Cached || !run.Done || strings.Join(run.Logs, "|") != "hello|hi" {
		t.Errorf("RUN = %+v", run)
	}
	if !strings.Contains(vs[4].Error, "exit code: 3") {
		t.Errorf("error not read: %+v", vs[4])
	}
}

// The embedded engine's writer and the parser agree.
func TestParsePlainRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	p := NewPlain(&buf)
	v := p.Start("[builder 2/3] COPY . /src")
	p.Cached(v)
	v = p.Start("[builder 3/3] RUN make")
	p.Log(v, "cc -o app")
	p.Done(v)
	vs, _ := ParsePlain(&buf)
	if len(vs) != 2 || !vs[0].Cached || vs[1].Instruction() != "RUN make" || vs[1].Logs[0] != "cc -o app" {
		t.Fatalf("round trip: %+v %+v", vs[0], vs[1])
	}
}
