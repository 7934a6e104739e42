#!/bin/sh
# Run the pipeline: one learn docker (or docker) command per line.
learn docker run --rm -e MIN_AMOUNT=10 -v results:/app/output etl
