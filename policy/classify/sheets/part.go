package sheets

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

const (
	// ctxEvery is how many XML tokens pass between context checks: often
	// enough to stop within a millisecond or so, rare enough to cost nothing.
	ctxEvery = 1024
	// bufSize is the largest raw-scanning window, minWindow the smallest;
	// needles (and the tails kept between windows) must be shorter.
	bufSize   = 32 << 10
	minWindow = 4 << 10
	// maxSheetRows is the most rows Excel and LibreOffice Calc allow in a
	// sheet; larger counts come from broken or hostile files.
	maxSheetRows = 1 << 20
)

// partReader reads one XML part, either as tokens or as raw bytes. The
// decoder reads from br one byte at a time (a *bufio.Reader is an
// io.ByteReader, so encoding/xml adds no buffer of its own) and, after a
// start or end tag, holds back no input: we can scan br raw from there and
// then decode again. The one state it keeps is the end tag it owes for a
// self-closing start tag, which resync drops.
type partReader struct {
	ctx  context.Context
	part string
	br   *bufio.Reader
	cr   *capReader
	d    *xml.Decoder
	n    int // tokens read, for the context checks
}

func newPartReader(ctx context.Context, r io.Reader, part string, limit int64) *partReader {
	cr := &capReader{r: r, n: limit, limit: limit, part: part}
	br := bufio.NewReaderSize(cr, bufSize)
	return &partReader{ctx: ctx, part: part, br: br, cr: cr, d: xml.NewDecoder(br)}
}

// consumed returns how many decompressed bytes of the part have been read
// past, buffered ones excluded.
func (p *partReader) consumed() int64 {
	return p.cr.limit - p.cr.n - int64(p.br.Buffered())
}

// openPart opens a zip entry for reading at most limit decompressed bytes.
func openPart(ctx context.Context, f *zip.File, limit int64) (*partReader, io.Closer, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: opening %s: %w", ErrMalformed, f.Name, err)
	}
	return newPartReader(ctx, rc, f.Name, limit), rc, nil
}

// token returns the next raw token. Errors are io.EOF, a context error,
// one wrapping ErrLimit, or one wrapping ErrMalformed.
func (p *partReader) token() (xml.Token, error) {
	if p.n++; p.n%ctxEvery == 0 {
		if err := p.ctx.Err(); err != nil {
			return nil, err
		}
	}
	tok, err := p.d.RawToken()
	if err != nil {
		return nil, p.fail(err)
	}
	return tok, nil
}

// fail classifies a read error. A syntax error keeps only its line number:
// encoding/xml quotes bits of the document (cell text) in its messages,
// and errors end up in logs.
func (p *partReader) fail(err error) error {
	var se *xml.SyntaxError
	switch {
	case err == io.EOF, errors.Is(err, ErrLimit):
		return err
	case errors.As(err, &se):
		return fmt.Errorf("%w: %s: XML syntax error on line %d", ErrMalformed, p.part, se.Line)
	}
	return fmt.Errorf("%w: %s: %w", ErrMalformed, p.part, err)
}

// resync starts a fresh decoder where raw scanning left off.
func (p *partReader) resync() { p.d = xml.NewDecoder(p.br) }

// skip reads past the end of the element whose start tag was just read.
func (p *partReader) skip() error {
	for depth := 1; depth > 0; {
		tok, err := p.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// scan hands windows of the raw bytes to fn, which returns how many it
// consumed and whether it is done. last reports that no bytes follow the
// window. When the bytes run out before fn is done, scan returns io.EOF
// or the error that ended them.
func (p *partReader) scan(fn func(buf []byte, last bool) (used int, done bool)) error {
	for {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		// Scan what is buffered, and refill only when little is: a refill
		// first moves the unread bytes to the front of the buffer.
		n := p.br.Buffered()
		if n < minWindow {
			n = bufSize
		}
		buf, rerr := p.br.Peek(n)
		used, done := fn(buf, rerr != nil)
		_, _ = p.br.Discard(used) // bytes Peek returned: it cannot fail
		switch {
		case done:
			return nil
		case rerr != nil:
			return p.fail(rerr)
		}
	}
}

// skipPast scans raw bytes to just after the next occurrence of needle. No
// tag can hide inside text (a '<' there is always escaped), so the first
// occurrence is the tag.
func (p *partReader) skipPast(needle []byte) error {
	return p.scan(func(buf []byte, last bool) (int, bool) {
		if i := bytes.Index(buf, needle); i >= 0 {
			return i + len(needle), true
		}
		if last {
			return len(buf), false
		}
		return len(buf) - len(needle) + 1, false
	})
}

// skipTags moves past up to k start tags named by open ("<row",
// "<x:row") and stops just before the next one, reading bytes rather than
// tokens: it is the cheap way to count what is left of a sheet, or to reach
// a shared string. It returns how many it passed; io.EOF means the part
// ended first.
func (p *partReader) skipTags(open []byte, k int) (int, error) {
	n := 0
	err := p.scan(func(buf []byte, last bool) (int, bool) {
		// Keep the tail for the next window so that a tag cut in two, and
		// the byte after its name, are seen whole.
		end := len(buf)
		if !last {
			end -= len(open)
		}
		// Look for the name's last byte ('w' of "<row"), which is far rarer
		// in markup than '<', then check what comes before and after it.
		for i := len(open) - 1; i < len(buf); {
			j := bytes.IndexByte(buf[i:], open[len(open)-1])
			at := i + j + 1 - len(open)
			if j < 0 || at >= end {
				break
			}
			if i += j + 1; bytes.Equal(buf[at:i], open) && i < len(buf) && nameEnds(buf[i]) {
				if n == k {
					return at, true
				}
				n++
			}
		}
		return end, false
	})
	return n, err
}

// nameEnds reports whether b may follow an element name in a tag, which
// tells <row from <rowBreaks.
func nameEnds(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '>', '/':
		return true
	}
	return false
}

// capReader passes at most limit bytes through, then fails with ErrLimit
// if more follow. io.LimitReader would end with a plain io.EOF, and a part cut
// short must not pass for a whole one.
type capReader struct {
	r     io.Reader
	n     int64
	limit int64
	part  string
}

func (c *capReader) Read(b []byte) (int, error) {
	if c.n <= 0 {
		var one [1]byte
		if _, err := io.ReadFull(c.r, one[:]); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%s is over %d bytes: %w", c.part, c.limit, ErrLimit)
	}
	if int64(len(b)) > c.n {
		b = b[:c.n]
	}
	n, err := c.r.Read(b)
	c.n -= int64(n)
	return n, err
}

// attr returns the value of t's attribute with the given local name,
// whatever its prefix: generators differ in the prefixes they pick.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// parseCount parses a non-negative decimal count, clamped to maxSheetRows;
// def stands in for a missing or unreadable value.
func parseCount(s string, def int) int {
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return def
	case err != nil || n > maxSheetRows:
		return maxSheetRows
	}
	return int(n)
}

// appendCapped appends as much of src to dst as keeps it within limit bytes.
func appendCapped(dst, src []byte, limit int) []byte {
	return append(dst, src[:max(0, min(len(src), limit-len(dst)))]...)
}

// cellText turns a capped buffer into a cell, dropping a rune that the cap
// cut in two so that cells stay valid UTF-8.
func cellText(b []byte) string {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return string(b)
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cellText([]byte(s[:max(n, 0)]))
}

// trimRows drops trailing empty cells and rows, which formatting leaves
// behind (a styled but empty cell still has a <c> element).
func trimRows(rows [][]string) [][]string {
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		if len(r) == 0 {
			r = nil
		}
		rows[i] = r
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows
}

// setTotal records a row count, which cannot be exact if it had to be
// clamped.
func (s *Sheet) setTotal(n int, exact bool) {
	if n > maxSheetRows {
		n, exact = maxSheetRows, false
	}
	s.TotalRows, s.Exact = n, exact
}

// usable reports whether any sheet sampled a non-empty row.
func usable(sheets []Sheet) bool {
	for _, s := range sheets {
		if len(s.Rows) > 0 {
			return true
		}
	}
	return false
}
