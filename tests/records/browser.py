"""Headless Debian chromium for the report tests: the DOM after the page's
scripts ran (its self-test record), the console messages, and a screenshot
decoded with zlib alone (no imaging library) to see that something was drawn."""
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0"]


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("chromium not found: tools/bootstrap.sh installs Debian's chromium")


def run(page, extra, timeout=120):
    profile = tempfile.mkdtemp(prefix="drvbench-chromium-")
    try:
        cmd = [chromium()] + FLAGS + ["--user-data-dir=" + profile] + extra + [
            "file://" + os.path.abspath(page)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_messages(stderr):
    return [l for l in stderr.splitlines() if ":CONSOLE(" in l or "Uncaught" in l]


def selftest(page):
    """(the page's self-test object, console messages)"""
    p = run(page, ["--window-size=1280,2000", "--dump-dom"])
    m = re.search(r'<pre id="drvbench-selftest">(.*?)</pre>', p.stdout, re.S)
    if not m:
        raise AssertionError("no self-test record in the DOM; chromium said:\n" + p.stderr[-2000:])
    text = m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&amp;", "&")
    return json.loads(text), console_messages(p.stderr), p.stdout


def screenshot(page, png):
    p = run(page, ["--window-size=900,1000", "--screenshot=" + png])
    if not os.path.exists(png):
        raise AssertionError("chromium wrote no screenshot:\n" + p.stderr[-2000:])


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def drawn_fraction(path):
    """The share of pixels that are not near-white, and the distinct colours."""
    width, height, bpp, rows = png_pixels(path)
    inked, colours = 0, set()
    for line in rows[::2]:
        for x in range(0, width * bpp, bpp * 2):
            px = tuple(line[x:x + 3])
            colours.add(px)
            inked += min(px) < 230
    return inked / ((height // 2) * (width // 2)), len(colours)
