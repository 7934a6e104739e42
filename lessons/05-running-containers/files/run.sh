#!/bin/sh
# Start the web service: one learn docker (or docker) command per line.
