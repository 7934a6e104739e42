#!/bin/sh
# Start the database, then the app that looks for it by the name "db".
learn docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:15
learn docker run --rm app
