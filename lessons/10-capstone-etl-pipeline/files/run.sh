#!/bin/sh
# Run the pipeline: one learn docker (or docker) command per line.
