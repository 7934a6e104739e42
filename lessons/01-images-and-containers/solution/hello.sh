#!/bin/sh
# Runs one line of Python in a container made from python:3.14-slim.
learn docker run --rm python:3.14-slim python -c "print('hello from a container')"
