#!/bin/sh
# Runs one line of Python in a container made from python:3.14-slim.
# Write the command here, on the next line:
