"""Make members.ods, the OpenDocument fixture of the protect tests, with a
headless LibreOffice: typed cells shown through number formats (a phone
number with its leading zero, a date, money, a percentage), Welsh names,
a merged cell, a comment, a line break in a cell and a second sheet.

Run from this folder with the Python that has the UNO bridge:
    /usr/bin/python3 make-fixtures.py
"""

import os
import shutil
import subprocess
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import Locale
from com.sun.star.table import CellAddress


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="make-fixtures-")
    pipe = "make-fixtures-" + uuid.uuid4().hex
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.join(tmp, "profile")),
         "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(300):
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                time.sleep(0.2)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
        formats = doc.getNumberFormats()
        gb = Locale("en", "GB", "")

        def fmt(code):
            key = formats.queryKey(code, gb, False)
            return key if key != -1 else formats.addNew(code, gb)

        sheets = doc.getSheets()
        members = sheets.getByIndex(0)
        members.setName("Members")
        rows = [
            ["Elector number", "Name", "Phone", "Joined", "Dues", "Share"],
            ["00123", "Siân Jones", 7700900123, 45352, 12.5, 0.125],
            ["00124", "Llŷr Evans", "01632 960001", 45000, 1234.5, 1],
            [],
            ["00125", "Dafydd ap Gruffydd", "", "", "", ""],
        ]
        formats_by_col = {2: fmt("00000 000000"), 3: fmt("DD/MM/YYYY"), 4: fmt("[$£-809]#,##0.00"), 5: fmt("0.0%")}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                cell = members.getCellByPosition(c, r)
                if isinstance(v, str):
                    if v:
                        cell.setString(v)
                else:
                    cell.setValue(float(v))
                    cell.NumberFormat = formats_by_col[c]
        members.getCellRangeByName("C5:D5").merge(True)
        members.getCellByPosition(2, 4).setString("moved away")
        doc.getSheets().getByIndex(0).getAnnotations().insertNew(CellAddress(0, 1, 1), "checked by the agent")
        members.getCellByPosition(7, 1).setString("  spaced  out  ")

        sheets.insertNewByName("Notes", 1)
        notes = sheets.getByIndex(1)
        notes.getCellByPosition(0, 0).setString("line one\nline two")
        notes.getCellByPosition(1, 2).setString("=not a formula")
        notes.getCellByPosition(0, 5).setFormula("=1+1")

        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath("members.ods")),
                       (prop("FilterName", "calc8"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
