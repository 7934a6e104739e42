"""Finds the database by name, the way a real connection string would
(postgresql://db:5432/...), and says where it is."""
import os
import socket
import sys

host = os.environ.get("DB_HOST", "db")
try:
    addr = socket.gethostbyname(host)
except socket.gaierror as e:
    sys.exit("cannot find the database %r: %s" % (host, e.strerror))
print("found the database %s at %s:5432" % (host, addr))
