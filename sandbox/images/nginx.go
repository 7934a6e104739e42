package images

// nginx:1.27, from nginxinc/docker-nginx's mainline/debian Dockerfile (its
// last 1.27 release, 1.27.5, on Debian 12).

const nginxConf = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`

const nginxDefaultConf = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`

const nginxIndex = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

// nginxScript stands in for one of the image's entrypoint scripts: the
// real ones adjust the configuration from the environment before nginx
// starts; this one says what it is and hands over.
func nginxScript(name, what string) string {
	return "#!/bin/sh\n# vim:sw=4:ts=4:et\n# " + name + ": " + what + "\n# layerlab catalogue stand-in for the nginx image's script of this name.\nset -e\n"
}

func nginxLayers(base *recipe) []step {
	date := day("2025-04-16")
	passwd := addLine(debianPasswdBookworm, "nginx:x:101:101:nginx user:/nonexistent:/bin/false")
	group := addLine(debianGroupBookworm, "nginx:x:101:")
	script := func(id, name, what string) *recipe {
		return &recipe{id: "nginx-1.27.5-" + id, size: asWritten, date: date, build: func(t *tree) {
			t.file("/docker-entrypoint.d/"+name, nginxScript(name, what), 0o775)
		}}
	}
	return []step{
		{createdBy: base.id, layer: base},
		{createdBy: "LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>"},
		{createdBy: "ENV NGINX_VERSION=1.27.5"},
		{createdBy: "ENV NJS_VERSION=0.8.10"},
		{createdBy: "ENV NJS_RELEASE=1~bookworm"},
		{createdBy: "ENV PKG_RELEASE=1~bookworm"},
		{createdBy: "ENV DYNPKG_RELEASE=1~bookworm"},
		{createdBy: "RUN /bin/sh -c set -x     && groupadd --system --gid 101 nginx     && useradd --system --gid nginx --no-create-home --home /nonexistent --comment \"nginx user\" --shell /bin/false --uid 101 nginx     && apt-get update     && apt-get install --no-install-recommends --no-install-suggests -y gnupg1 ca-certificates     && NGINX_GPGKEYS=\"573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 8540A6F18833A80E9C1653A42FD21310B49F6B46 9E9BE90EACBCDE69FE9B204CBCDCD8A38D88A2B3\";     NGINX_GPGKEY_PATH=/etc/apt/keyrings/nginx-archive-keyring.gpg;     export GNUPGHOME=\"$(mktemp -d)\";     found='';     apt-get install --no-install-recommends --no-install-suggests -y $nginxPackages gettext-base curl     && apt-get remove --purge --auto-remove -y && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/nginx.list     && ln -sf /dev/stdout /var/log/nginx/access.log     && ln -sf /dev/stderr /var/log/nginx/error.log     && mkdir /docker-entrypoint.d # buildkit",
			layer: &recipe{id: "nginx-1.27.5", size: 117_289_003, date: date, build: func(t *tree) {
				t.file("/etc/passwd", passwd)
				t.file("/etc/group", group)
				t.file("/etc/shadow", shadowOf(passwd, "20194"), 0o640)
				t.chown("/etc/shadow", 0, 42)
				t.file("/etc/gshadow", gshadowOf(group), 0o640)
				t.chown("/etc/gshadow", 0, 42)
				t.file("/var/lib/dpkg/status", dpkgStatus(bookwormSlimPkgs, pkgs(`
ca-certificates 20230311+deb12u1 all misc optional 410 Common CA certificates
curl 7.88.1-10+deb12u12 amd64 web optional 500 command line tool for transferring data with URL syntax
gettext-base 0.21-12 amd64 utils standard 1223 GNU Internationalization utilities for the base system
libcurl4 7.88.1-10+deb12u12 amd64 libs optional 1054 easy-to-use client-side URL transfer library (OpenSSL flavour)
nginx 1.27.5-1~bookworm amd64 httpd optional 3460 high performance web server
nginx-module-geoip 1.27.5-1~bookworm amd64 httpd optional 100 nginx GeoIP dynamic modules
nginx-module-image-filter 1.27.5-1~bookworm amd64 httpd optional 100 nginx image filter dynamic module
nginx-module-njs 1.27.5+0.8.10-1~bookworm amd64 httpd optional 6000 nginx njs dynamic modules
nginx-module-xslt 1.27.5-1~bookworm amd64 httpd optional 100 nginx xslt dynamic module
openssl 3.0.15-1~deb12u1 amd64 utils optional 2290 Secure Sockets Layer toolkit - cryptographic utility
`)))
				t.exe("/usr/sbin/nginx", "/usr/sbin/nginx-debug", "/usr/bin/curl", "/usr/bin/envsubst", "/usr/bin/njs", "/usr/bin/openssl")
				t.file("/etc/nginx/nginx.conf", nginxConf)
				t.file("/etc/nginx/conf.d/default.conf", nginxDefaultConf)
				t.file("/etc/nginx/fastcgi_params", "fastcgi_param  QUERY_STRING       $query_string;\nfastcgi_param  REQUEST_METHOD     $request_method;\n")
				t.file("/etc/nginx/scgi_params", "scgi_param  REQUEST_METHOD     $request_method;\n")
				t.file("/etc/nginx/uwsgi_params", "uwsgi_param  QUERY_STRING       $query_string;\n")
				t.file("/etc/nginx/mime.types", "types {\n    text/html                                        html htm shtml;\n    text/css                                         css;\n    application/javascript                           js;\n    application/json                                 json;\n    image/png                                        png;\n}\n")
				t.link("/usr/lib/nginx/modules", "/etc/nginx/modules")
				t.file("/usr/share/nginx/html/index.html", nginxIndex)
				t.file("/usr/share/nginx/html/50x.html", "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n")
				t.dir("/var/cache/nginx", 0o755)
				t.dir("/var/log/nginx", 0o755)
				t.link("/dev/stdout", "/var/log/nginx/access.log")
				t.link("/dev/stderr", "/var/log/nginx/error.log")
				t.dir("/docker-entrypoint.d", 0o755)
			}, pads: []pad{
				{"/usr/lib/nginx/modules/ngx_http_js_module.so", 3000},
				{"/usr/lib/nginx/modules/ngx_stream_js_module.so", 3000},
				{"/usr/lib/nginx/modules/ngx_http_image_filter_module.so", 30},
				{"/usr/lib/nginx/modules/ngx_http_xslt_filter_module.so", 30},
				{"/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", 700},
				{"/usr/lib/x86_64-linux-gnu/libgd.so.3.0.11", 400},
				{"/usr/lib/x86_64-linux-gnu/libxml2.so.2.9.14", 2000},
				{"/usr/lib/x86_64-linux-gnu/libicudata.so.72.1", 31000},
				{"/usr/lib/x86_64-linux-gnu/libicuuc.so.72.1", 2100},
				{"/usr/lib/x86_64-linux-gnu/libX11.so.6.4.0", 1300},
				{"/usr/lib/x86_64-linux-gnu/libtiff.so.6.0.0", 600},
				{"/usr/lib/x86_64-linux-gnu/libwebp.so.7.1.5", 400},
				{"/usr/lib/x86_64-linux-gnu/libfontconfig.so.1.12.0", 300},
				{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 750},
				{"/usr/lib/x86_64-linux-gnu/libgnutls.so.30.34.3", 2300},
				{"/usr/lib/x86_64-linux-gnu/libkrb5.so.3.3", 900},
				{"/usr/share/GeoIP/GeoIP.dat", 1400},
				{"/usr/share/mime/packages/freedesktop.org.xml", 3000},
				{"/usr/lib/x86_64-linux-gnu/libLerc.so.4", 500},
				{"/usr/lib/x86_64-linux-gnu/libjbig.so.0", 60},
				{"/usr/share/X11/locale/locale.alias", 80},
				{"/usr/lib/x86_64-linux-gnu/libxslt.so.1.1.35", 250},
				{"/usr/share/zoneinfo/tzdata.zi", 110},
				{"/usr/lib/x86_64-linux-gnu/libaom.so.3.6.0", 5000},
				{"/usr/lib/x86_64-linux-gnu/libde265.so.0.1.1", 800},
				{"/usr/lib/x86_64-linux-gnu/libx265.so.199", 15000},
				{"/usr/lib/x86_64-linux-gnu/libdav1d.so.6.6.0", 1800},
				{"/usr/lib/x86_64-linux-gnu/libheif.so.1.15.1", 1000},
			}}},
		{createdBy: "COPY docker-entrypoint.sh / # buildkit",
			layer: &recipe{id: "nginx-1.27.5-entrypoint", size: asWritten, date: date, build: func(t *tree) {
				t.file("/docker-entrypoint.sh", "#!/bin/sh\n# vim:sw=4:ts=4:et\n# layerlab catalogue stand-in for the nginx image's /docker-entrypoint.sh:\n# the real one runs the scripts in /docker-entrypoint.d/ before starting nginx.\n\nset -e\n\nexec \"$@\"\n", 0o775)
			}}},
		{createdBy: "COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit", layer: script("10", "10-listen-on-ipv6-by-default.sh", "enable listen on IPv6 in default.conf")},
		{createdBy: "COPY 15-local-resolvers.envsh /docker-entrypoint.d # buildkit", layer: script("15", "15-local-resolvers.envsh", "export NGINX_LOCAL_RESOLVERS from /etc/resolv.conf")},
		{createdBy: "COPY 20-envsubst-on-templates.sh /docker-entrypoint.d # buildkit", layer: script("20", "20-envsubst-on-templates.sh", "render /etc/nginx/templates/*.template with envsubst")},
		{createdBy: "COPY 30-tune-worker-processes.sh /docker-entrypoint.d # buildkit", layer: script("30", "30-tune-worker-processes.sh", "tune worker_processes to the CPU quota")},
		{createdBy: "ENTRYPOINT [\"/docker-entrypoint.sh\"]"},
		{createdBy: "EXPOSE map[80/tcp:{}]"},
		{createdBy: "STOPSIGNAL SIGQUIT"},
		{createdBy: "CMD [\"nginx\" \"-g\" \"daemon off;\"]"},
	}
}
