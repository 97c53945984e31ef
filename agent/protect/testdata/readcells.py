"""Open spreadsheets in a headless LibreOffice and print their cells as JSON.

Reads a JSON list of jobs from standard input, each {"path": ..., "password":
... or null, "display": true or false}, and prints a JSON list of results in
the same order: either {"filter": ..., "sheets": [{"name": ..., "rows":
[[cell, ...], ...]}]} or {"error": ...}. A text cell comes back as a string,
a number as a number, so a caller can tell "0123" from 123; with "display",
every cell comes back as the text Calc shows for it.

It starts its own soffice with a throw-away profile and a private pipe, so it
needs nothing running and leaves nothing behind. Run it with the Python that
has LibreOffice's UNO bridge (Debian: /usr/bin/python3 with python3-uno).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe, proc, deadline):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
    while True:
        try:
            return resolver.resolve(url)
        except Exception:
            if proc.poll() is not None:
                raise RuntimeError("soffice exited with status %d" % proc.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError("soffice did not answer in time")
            time.sleep(0.2)


def read(desktop, job):
    url = uno.systemPathToFileUrl(os.path.abspath(job["path"]))
    props = [prop("Hidden", True), prop("ReadOnly", True)]
    if job.get("password") is not None:
        props.append(prop("Password", job["password"]))
    try:
        doc = desktop.loadComponentFromURL(url, "_blank", 0, tuple(props))
    except Exception as e:  # wrong or missing password, unreadable file
        return {"error": "%s: %s" % (type(e).__name__, getattr(e, "Message", str(e)))}
    if doc is None:
        return {"error": "not loaded"}
    try:
        if not hasattr(doc, "getSheets"):
            return {"error": "not a spreadsheet"}
        out = {"filter": "", "sheets": []}
        for p in doc.getArgs():
            if p.Name == "FilterName":
                out["filter"] = p.Value
        sheets = doc.getSheets()
        for i in range(sheets.getCount()):
            sheet = sheets.getByIndex(i)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            addr = cursor.getRangeAddress()
            rows = []
            if addr.EndRow >= 0 and addr.EndColumn >= 0:
                area = sheet.getCellRangeByPosition(0, 0, addr.EndColumn, addr.EndRow)
                if job.get("display"):
                    rows = [[area.getCellByPosition(c, r).getString()
                             for c in range(addr.EndColumn + 1)]
                            for r in range(addr.EndRow + 1)]
                else:
                    rows = [list(r) for r in area.getDataArray()]
            out["sheets"].append({"name": sheet.getName(), "rows": rows})
        return out
    finally:
        doc.close(True)


def main():
    jobs = json.load(sys.stdin)
    soffice = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="readcells-")
    pipe = "readcells-" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--norestore", "--nologo",
         "--nodefault", "--nolockcheck",
         "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.join(tmp, "profile")),
         "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ctx = connect(pipe, proc, time.monotonic() + 120)
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        results = [read(desktop, job) for job in jobs]
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes down with the process
        json.dump(results, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
