#!/bin/sh
# Run the report job so its output lands in the named volume "reports".
learn docker run --name job -v reports:/app/output report
learn docker rm job
