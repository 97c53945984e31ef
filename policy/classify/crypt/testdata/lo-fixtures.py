# Writes the legacy Office fixtures with LibreOffice through UNO. Run by
# make-fixtures.sh as: /usr/bin/python3 lo-fixtures.py OUTDIR
import hashlib, os, subprocess, sys, time

import uno
from com.sun.star.beans import NamedValue, PropertyValue


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def nv(name, value):
    p = NamedValue()
    p.Name, p.Value = name, value
    return p


out = sys.argv[1]
pipe = "dataward-fixtures-%d" % os.getpid()
office = subprocess.Popen(
    ["soffice", "--headless", "--invisible", "--nologo", "--norestore",
     "-env:UserInstallation=file://" + os.path.join(out, ".lo-profile"),
     "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(60):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def new(kind):
        return desktop.loadComponentFromURL("private:factory/" + kind, "_blank", 0, (pv("Hidden", True),))

    def save(doc, name, flt, *extra):
        url = uno.systemPathToFileUrl(os.path.join(out, name))
        uno.invoke(doc, "storeToURL", (url, (pv("FilterName", flt), pv("Overwrite", True)) + extra))

    def calc():
        doc = new("scalc")
        sheet = doc.Sheets.getByIndex(0)
        for row, (name, postcode) in enumerate([("name", "postcode"), ("Ada Example", "SW1A 1AA")]):
            sheet.getCellByPosition(0, row).String = name
            sheet.getCellByPosition(1, row).String = postcode
        return doc

    doc = calc()
    save(doc, "plain.xls", "MS Excel 97")
    save(doc, "rc4.xls", "MS Excel 97", pv("Password", "x"))
    # LibreOffice 7.4 exports only ECMA-376 standard encryption.
    ooxml = uno.Any("[]com.sun.star.beans.NamedValue", (
        nv("OOXPassword", "x"), nv("CryptoType", "Standard"),
        nv("PackageSHA256UTF8EncryptionKey", uno.ByteSequence(hashlib.sha256(b"x").digest()))))
    save(doc, "standard-lo.xlsx", "Calc MS Excel 2007 XML", pv("EncryptionData", ooxml))
    # A workbook whose structure is protected without a password is saved
    # encrypted with Excel's default password, VelvetSweatshop.
    doc.protect("")
    save(doc, "velvet.xls", "MS Excel 97")
    doc.close(True)

    doc = new("swriter")
    doc.Text.setString("Ada Example, SW1A 1AA")
    save(doc, "plain.doc", "MS Word 97")
    save(doc, "rc4.doc", "MS Word 97", pv("Password", "x"))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        office.kill()
