#!/bin/sh
# A user-defined network: containers on it find each other by name.
learn docker network create pipeline
learn docker run -d --name db --network pipeline -e POSTGRES_PASSWORD=secret postgres:15
learn docker run --rm --network pipeline app
