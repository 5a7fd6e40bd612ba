#!/bin/sh
# A QEMU that fails at once, as a broken installation does.
echo "fake-qemu: cannot start" >&2
exit 1
