#!/bin/sh
# Start the web service: one learn docker (or docker) command per line.
learn docker run -d --name web -p 8080:8000 --env-file app.env python:3.14-slim python -m http.server 8000
