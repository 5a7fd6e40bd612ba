#!/bin/sh
# A QEMU that starts and never connects its sockets.
exec sleep 3600
