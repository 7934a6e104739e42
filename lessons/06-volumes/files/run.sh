#!/bin/sh
# Run the report job so its output lands in the named volume "reports".
