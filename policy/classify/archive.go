package classify

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"dataward/policy/classify/crypt"
	"dataward/policy/classify/sheets"
)

// classifyZip handles every ZIP-based format: XLSX and the other OOXML
// packages, ODF packages, and plain archives of anything.
func (c *classifier) classifyZip(ctx context.Context, r io.ReaderAt, size int64, depth int) Result {
	lim := c.opt.Limits
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return unreadable("zip", "damaged zip archive: "+err.Error())
	}
	if len(zr.File) > lim.MaxEntries {
		return unreadable("zip", fmt.Sprintf("archive has %d entries, more than the %d inspected", len(zr.File), lim.MaxEntries))
	}
	// Summing the declared sizes is a sound budget: archive/zip refuses to
	// return more bytes than an entry declares (notes/pii.md §4.1), and a
	// bomb of overlapping entries declares every copy.
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if declared > uint64(lim.MaxUnpacked) {
			return unreadable("zip", fmt.Sprintf("archive unpacks to more than %d MiB: possible zip bomb", lim.MaxUnpacked>>20))
		}
	}
	names := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		names[f.Name] = f
	}
	if mt := sheets.ODFMimetype(zr); strings.HasPrefix(mt, "application/vnd.oasis.opendocument") {
		return c.classifyODF(ctx, zr, mt)
	}
	if names["[Content_Types].xml"] != nil {
		if names["xl/workbook.xml"] == nil {
			return Result{Verdict: Clean, Format: ooxmlFormat(names), Reason: "document: only spreadsheets, delimited text and archives are inspected"}
		}
		if bomb := c.bombEntry(zr); bomb != "" {
			return unreadable("xlsx", bomb)
		}
		sh, err := sheets.ReadXLSX(ctx, zr, c.sheetLimits())
		if err != nil {
			return unreadable("xlsx", "workbook: "+err.Error())
		}
		return c.verdictOf("xlsx", tablesOf(sh))
	}
	return c.classifyMembers(ctx, "zip", depth, func(visit visitFunc) error {
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			m := member{name: f.Name, size: int64(f.UncompressedSize64), open: f.Open}
			switch {
			case f.Flags&0x1 != 0 || f.Method == 99:
				// General-purpose bit 0 is ZipCrypto; method 99 is WinZip AES
				// (APPNOTE 4.4.4; WinZip AE-x).
				m.encrypted = true
			case f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > uint64(lim.MaxRatio):
				m.refused = fmt.Sprintf("compression ratio over %d:1: possible zip bomb", lim.MaxRatio)
			}
			if err := visit(m); err != nil {
				return err
			}
		}
		return nil
	})
}

// bombEntry names the first part of a package whose declared compression
// ratio no honest DEFLATE stream reaches.
func (c *classifier) bombEntry(zr *zip.Reader) string {
	for _, f := range zr.File {
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > uint64(c.opt.Limits.MaxRatio) {
			return fmt.Sprintf("%s: compression ratio over %d:1: possible zip bomb", f.Name, c.opt.Limits.MaxRatio)
		}
	}
	return ""
}

func ooxmlFormat(names map[string]*zip.File) string {
	switch {
	case names["word/document.xml"] != nil:
		return "docx"
	case names["ppt/presentation.xml"] != nil:
		return "pptx"
	}
	return "ooxml"
}

// classifyODF handles OpenDocument packages. Their encryption does not show
// at the ZIP layer, only in the manifest (notes/pii.md §4.3).
func (c *classifier) classifyODF(ctx context.Context, zr *zip.Reader, mimetype string) Result {
	format := "odf"
	switch {
	case strings.HasSuffix(mimetype, ".spreadsheet"):
		format = "ods"
	case strings.HasSuffix(mimetype, ".text"):
		format = "odt"
	}
	enc, err := sheets.ODSEncrypted(zr)
	if err != nil {
		return unreadable(format, "manifest: "+err.Error())
	}
	if enc {
		return Result{Verdict: Encrypted, Format: format, Reason: "password-encrypted OpenDocument file"}
	}
	if format != "ods" {
		return Result{Verdict: Clean, Format: format, Reason: "document: only spreadsheets, delimited text and archives are inspected"}
	}
	if bomb := c.bombEntry(zr); bomb != "" {
		return unreadable(format, bomb)
	}
	sh, err := sheets.ReadODS(ctx, zr, c.sheetLimits())
	if err != nil {
		return unreadable(format, "spreadsheet: "+err.Error())
	}
	return c.verdictOf(format, tablesOf(sh))
}

func (c *classifier) classifyFODS(ctx context.Context, r io.ReaderAt, size int64) Result {
	sh, err := sheets.ReadFODS(ctx, io.NewSectionReader(r, 0, size), c.sheetLimits())
	if err != nil {
		return unreadable("fods", "spreadsheet: "+err.Error())
	}
	return c.verdictOf("fods", tablesOf(sh))
}

func (c *classifier) sheetLimits() sheets.Limits {
	lim := c.opt.Limits
	return sheets.Limits{
		MaxSheets:    lim.MaxSheets,
		MaxRows:      lim.MaxRows,
		MaxCols:      lim.MaxCols,
		MaxCellBytes: lim.MaxCellBytes,
		MaxXMLBytes:  lim.MaxXMLBytes,
		MaxSSTBytes:  lim.MaxXMLBytes,
	}
}

func tablesOf(sh []sheets.Sheet) []table {
	ts := make([]table, len(sh))
	for i, s := range sh {
		ts[i] = table{rows: s.Rows, total: s.TotalRows, exact: s.Exact}
	}
	return ts
}

// classifyCFB handles OLE compound files: password-encrypted OOXML and
// legacy Office documents.
func (c *classifier) classifyCFB(r io.ReaderAt, size int64) Result {
	info, err := crypt.CFB(r, size)
	if err != nil {
		return unreadable("cfb", "compound file: "+err.Error())
	}
	if info.Encrypted {
		return Result{Verdict: Encrypted, Format: info.Scheme, Reason: "password-encrypted Office file"}
	}
	if info.Scheme == "xls" {
		return unreadable("xls", "legacy Excel 97-2003 workbook: contents not inspected (save it as .xlsx)")
	}
	return Result{Verdict: Clean, Format: info.Scheme, Reason: orDefault(info.Detail, "document: only spreadsheets, delimited text and archives are inspected")}
}

func (c *classifier) classifyPDF(r io.ReaderAt, size int64) Result {
	info, err := crypt.PDF(r, size)
	if err != nil {
		return unreadable("pdf", "pdf: "+err.Error())
	}
	if info.Encrypted {
		return Result{Verdict: Encrypted, Format: "pdf", Reason: "password-encrypted PDF"}
	}
	return Result{Verdict: Clean, Format: "pdf", Reason: orDefault(info.Detail, "document: only spreadsheets, delimited text and archives are inspected")}
}

func (c *classifier) classify7z(ctx context.Context, r io.ReaderAt, size int64, depth int) Result {
	info, err := crypt.SevenZip(r, size)
	if err != nil {
		return unreadable("7z", "7z archive: "+err.Error())
	}
	if info.Encrypted {
		return Result{Verdict: Encrypted, Format: "7z", Reason: "password-encrypted 7z archive"}
	}
	return c.classifyMembers(ctx, "7z", depth, func(visit visitFunc) error {
		return crypt.SevenZipEntries(r, size, func(name string, size int64, open func() (io.ReadCloser, error)) error {
			return visit(member{name: name, size: size, open: open})
		})
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// member is one file inside an archive.
type member struct {
	name      string
	size      int64
	open      func() (io.ReadCloser, error)
	encrypted bool
	refused   string // why it will not be opened
}

type visitFunc func(member) error

// errStopWalk ends a walk over an archive's members early.
var errStopWalk = errors.New("stop")

// classifyMembers classifies the members of an archive and combines them:
// personal if any member is (an encrypted member beside a plain export does
// not make the archive compliant), encrypted if a member is encrypted and
// none is personal, unreadable if a member could not be inspected and
// nothing else decided.
func (c *classifier) classifyMembers(ctx context.Context, format string, depth int, walk func(visitFunc) error) Result {
	var (
		out                    = Result{Format: format}
		encrypted, files       int
		people                 int
		signals                = map[string]bool{}
		firstPersonal, problem string
	)
	err := walk(func(m member) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if files++; files > c.opt.Limits.MaxFiles {
			problem = fmt.Sprintf("more than %d files: the rest were not inspected", c.opt.Limits.MaxFiles)
			return errStopWalk
		}
		if m.encrypted {
			encrypted++
			return nil
		}
		if m.refused != "" {
			problem = m.name + ": " + m.refused
			return nil
		}
		res := c.classifyMember(ctx, m, depth)
		switch res.Verdict {
		case Personal:
			people += res.Records
			for _, s := range res.Signals {
				signals[s] = true
			}
			if firstPersonal == "" {
				firstPersonal = m.name
			}
		case Encrypted:
			encrypted++
		case Unreadable:
			if problem == "" {
				problem = m.name + ": " + res.Reason
			}
		}
		return nil
	})
	switch {
	case people > 0:
		out.Verdict, out.Records = Personal, people
		for _, s := range signalOrder {
			if signals[s.name] {
				out.Signals = append(out.Signals, s.name)
			}
		}
		_, words := describeNames(out.Signals)
		out.Reason = fmt.Sprintf("%d people: %s (in %s)", people, words, path.Base(firstPersonal))
	case err != nil && !errors.Is(err, errStopWalk):
		out.Verdict, out.Reason = Unreadable, "archive: "+err.Error()
	case encrypted > 0:
		out.Verdict, out.Reason = Encrypted, fmt.Sprintf("%d password-encrypted file(s) in the archive", encrypted)
	case problem != "":
		out.Verdict, out.Reason = Unreadable, problem
	default:
		out.Verdict, out.Reason = Clean, "no personal-data export in the archive"
	}
	return out
}

// classifyMember reads one archive member into memory, within the limits,
// and classifies it like a file of its own.
func (c *classifier) classifyMember(ctx context.Context, m member, depth int) Result {
	lim := c.opt.Limits
	if depth+1 > lim.MaxDepth {
		return unreadable("", "archives nested too deep")
	}
	n := min(m.size, lim.MaxInMemory)
	if c.unpacked+n > lim.MaxExtracted {
		return unreadable("", fmt.Sprintf("more than %d MiB unpacked from nested archives: possible zip bomb", lim.MaxExtracted>>20))
	}
	rc, err := m.open()
	if err != nil {
		return unreadable("", "opening: "+err.Error())
	}
	defer rc.Close()
	// The member's declared size is honest (archive/zip enforces it), so
	// one buffer of exactly that size, up to the limit, is all it takes.
	buf := make([]byte, n)
	got, err := io.ReadFull(rc, buf)
	buf = buf[:got]
	c.unpacked += int64(got)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return unreadable("", "unpacking: "+err.Error())
	}
	if int64(len(buf)) < m.size && !textLike(buf) {
		// Only delimited text can be judged from its head; an archive or a
		// workbook needs its central directory at the end.
		return unreadable("", fmt.Sprintf("%d MiB member too large to inspect inside an archive", m.size>>20))
	}
	return c.classify(ctx, &headReader{b: buf}, max(m.size, int64(len(buf))), depth+1)
}

// headReader serves the head of a member read into memory as if it were
// the whole member: reads past the head find nothing.
type headReader struct{ b []byte }

func (h *headReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(h.b)) {
		return 0, io.EOF
	}
	n := copy(p, h.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// textLike reports whether a member's head is text rather than a binary
// container.
func textLike(b []byte) bool {
	head := b[:min(len(b), 1024)]
	for _, m := range [][]byte{magicZip, magicZip0, magicCFB, magic7z, magicPDF} {
		if bytes.HasPrefix(head, m) {
			return false
		}
	}
	return true
}

// describeNames renders signal names as words for a person.
func describeNames(names []string) ([]string, string) {
	var kinds [numKinds]bool
	for _, n := range names {
		for _, s := range signalOrder {
			if s.name == n {
				kinds[s.k] = true
			}
		}
	}
	return describe(kinds)
}
