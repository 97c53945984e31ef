package crypt

import (
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
)

// Limits for one PDF. The trailer of the newest revision sits at the end of
// the file and a linearized file's first-page trailer near its start
// (ISO 32000-1 F.3), so these windows and the startxref chain find every
// trailer that matters without reading the whole file.
const (
	pdfWindow     = 64 << 10 // bytes read at each end of the file
	pdfDictWindow = 16 << 10 // bytes read to parse one dictionary
	pdfMaxHops    = 32       // cross-reference sections followed through /Prev
	pdfMaxXRef    = 8 << 20  // bytes of cross-reference streams, packed or not
	pdfMaxDepth   = 32       // nesting of arrays and dictionaries
	pdfMaxHits    = 16       // keyword matches tried in each window
)

// PDF reports whether the PDF of the given size in r needs a password. A
// file with an /Encrypt dictionary is tested with the empty user password
// (ISO 32000-1 7.6.3.3 Algorithms 2, 4 and 5; ISO 32000-2 7.6.4.4 for AES-256):
// an owner-password-only PDF opens for anyone and is not encrypted for us.
func PDF(r io.ReaderAt, size int64) (Info, error) {
	head := make([]byte, max(0, min(size, pdfWindow)))
	if err := readAt(r, size, head, 0); err != nil {
		return Info{}, fmt.Errorf("reading PDF header: %w", err)
	}
	if !bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")) {
		return Info{}, fmt.Errorf("no %%PDF- header: %w", ErrMalformed)
	}
	tail := make([]byte, min(size, pdfWindow))
	if err := readAt(r, size, tail, size-int64(len(tail))); err != nil {
		return Info{}, fmt.Errorf("reading PDF tail: %w", err)
	}
	p := &pdf{r: r, size: size, head: head, tail: tail, tailOff: size - int64(len(tail))}
	trailer := p.trailer()
	if trailer == nil {
		return Info{Scheme: "pdf"}, nil
	}
	enc, ok := trailer.d["Encrypt"].(pdfDict)
	if !ok {
		ref, isRef := trailer.d["Encrypt"].(pdfRef)
		if isRef {
			enc = p.object(ref)
		}
		if enc == nil {
			return Info{Encrypted: true, Scheme: "pdf", Detail: "encryption dictionary not found"}, nil
		}
	}
	var id0 []byte
	if ids, ok := trailer.d["ID"].([]any); ok && len(ids) > 0 {
		id0, _ = ids[0].([]byte)
	}
	return pdfEncryption(enc, id0), nil
}

// pdf is one file being inspected: both ends of it in memory, the rest
// read in small windows on demand.
type pdf struct {
	r          io.ReaderAt
	size       int64
	head, tail []byte
	tailOff    int64
	secs       []section // nil until sections has run
	inflated   int64     // bytes of cross-reference streams read and decoded
}

// located is a trailer or cross-reference stream dictionary and where it
// starts in the file.
type located struct {
	off int64
	d   pdfDict
}

// trailer returns the newest trailer (or cross-reference stream)
// dictionary that has /Encrypt, or nil if none has. Incremental updates
// repeat the previous trailer's entries (ISO 32000-1 7.5.6) and encryption
// cannot be undone by one, so the last /Encrypt in the file is the one in
// force; a linearized file's end trailer may lack it while its first-page
// trailer has it.
func (p *pdf) trailer() *located {
	var best *located
	consider := func(l *located) {
		if l != nil && l.d["Encrypt"] != nil && (best == nil || l.off > best.off) {
			best = l
		}
	}
	for _, w := range []struct {
		b   []byte
		off int64
	}{{p.head, 0}, {p.tail, p.tailOff}} {
		for _, i := range lastHits(w.b, []byte("trailer")) {
			consider(p.dictAfter(w.off + int64(i) + 7))
		}
		for _, i := range lastHits(w.b, []byte("/XRef")) {
			if j := bytes.LastIndex(w.b[max(0, i-4096):i], []byte("obj")); j >= 0 {
				consider(p.dictAfter(w.off + int64(max(0, i-4096)+j) + 3))
			}
		}
	}
	for _, s := range p.sections() {
		consider(&s.located)
	}
	return best
}

// section is one cross-reference section: a classic table (its trailer
// follows it) or a cross-reference stream (ISO 32000-1 7.5.4, 7.5.8).
type section struct {
	object
	table  bool
	tabOff int64 // where a table's first subsection header starts
}

// sections follows startxref and the /Prev chain, newest first.
func (p *pdf) sections() []section {
	if p.secs == nil {
		p.secs = p.readSections()
	}
	return p.secs
}

func (p *pdf) readSections() []section {
	out := []section{}
	i := bytes.LastIndex(p.tail, []byte("startxref"))
	if i < 0 {
		return out
	}
	lx := &pdfLexer{b: p.tail, i: i + 9}
	off, ok := lx.value(0).(int64)
	seen := make(map[int64]bool)
	for ok && len(out) < pdfMaxHops && !seen[off] && off >= 0 && off < p.size {
		seen[off] = true
		s, found := p.section(off)
		if !found {
			break
		}
		out = append(out, s)
		off, ok = s.d["Prev"].(int64)
	}
	return out
}

func (p *pdf) section(off int64) (section, bool) {
	buf := p.window(off, 64)
	lx := &pdfLexer{b: buf}
	lx.space()
	if bytes.HasPrefix(buf[lx.i:], []byte("xref")) {
		tab := off + int64(lx.i) + 4
		t, ok := p.walkTable(tab, -1)
		if !ok {
			return section{}, false
		}
		l := p.dictAfter(t)
		if l == nil {
			return section{}, false
		}
		return section{object: object{located: *l}, table: true, tabOff: tab}, true
	}
	o := p.objAt(off)
	if o == nil {
		return section{}, false
	}
	return section{object: *o}, true
}

// walkTable walks the subsections of a classic cross-reference table from
// off. For obj ≥ 0 it returns the offset of obj's 20-byte entry; for
// obj < 0 the offset of the trailer keyword's end.
func (p *pdf) walkTable(off int64, obj int64) (int64, bool) {
	for range 1024 {
		buf := p.window(off, 64)
		lx := &pdfLexer{b: buf}
		lx.space()
		if bytes.HasPrefix(buf[lx.i:], []byte("trailer")) {
			return off + int64(lx.i) + 7, obj < 0
		}
		start, ok1 := lx.value(0).(int64)
		count, ok2 := lx.value(0).(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || count > p.size/20 {
			return 0, false
		}
		// Each entry is exactly 20 bytes, end of line included (7.5.4).
		lx.space()
		off += int64(lx.i)
		if obj >= start && obj < start+count {
			return off + 20*(obj-start), true
		}
		off += 20 * count
	}
	return 0, false
}

// object finds the indirect object ref through the cross-reference
// sections, else by scanning both ends of the file, and returns its
// dictionary or nil. The encryption dictionary is never inside an object
// stream (ISO 32000-1 7.5.7), so it always starts with "N G obj".
func (p *pdf) object(ref pdfRef) pdfDict {
	for _, s := range p.sections() {
		off, ok := p.lookup(s, ref)
		if !ok {
			continue
		}
		if l := p.objAt(off); l != nil && l.ref == ref {
			return l.d
		}
		break
	}
	pat := []byte(fmt.Sprintf("%d %d obj", ref.num, ref.gen))
	for _, w := range []struct {
		b   []byte
		off int64
	}{{p.tail, p.tailOff}, {p.head, 0}} {
		for _, i := range lastHits(w.b, pat) {
			if i > 0 && !isSpace(w.b[i-1]) && !isDelim(w.b[i-1]) {
				continue
			}
			if l := p.objAt(w.off + int64(i)); l != nil && l.ref == ref {
				return l.d
			}
		}
	}
	return nil
}

// lookup returns the offset of ref recorded in section s.
func (p *pdf) lookup(s section, ref pdfRef) (int64, bool) {
	if s.table {
		e, ok := p.walkTable(s.tabOff, ref.num)
		if !ok {
			return 0, false
		}
		lx := &pdfLexer{b: p.window(e, 20)}
		off, ok1 := lx.value(0).(int64)
		gen, ok2 := lx.value(0).(int64)
		return off, ok1 && ok2 && gen == ref.gen && lx.keyword() == "n"
	}
	rows, w, idx, ok := p.xrefStream(s)
	if !ok {
		return 0, false
	}
	row := 0
	for i := 0; i+1 < len(idx); i += 2 {
		if ref.num >= idx[i] && ref.num < idx[i]+idx[i+1] {
			row += int(ref.num - idx[i])
			if (row+1)*rowLen(w) > len(rows) {
				return 0, false
			}
			f := xrefFields(rows[row*rowLen(w):], w)
			return f[1], f[0] == 1 && f[2] == ref.gen
		}
		row += int(idx[i+1])
	}
	return 0, false
}

func rowLen(w [3]int) int { return w[0] + w[1] + w[2] }

// xrefFields decodes one cross-reference stream row; a missing type field
// means type 1 (ISO 32000-1 Table 17).
func xrefFields(row []byte, w [3]int) [3]int64 {
	f := [3]int64{1, 0, 0}
	for k, o := 0, 0; k < 3; k++ {
		if w[k] == 0 {
			continue
		}
		var v int64
		for _, c := range row[o : o+w[k]] {
			v = v<<8 | int64(c)
		}
		f[k], o = v, o+w[k]
	}
	return f
}

// xrefStream decodes a cross-reference stream's rows, its /W widths and
// its /Index pairs.
func (p *pdf) xrefStream(s section) ([]byte, [3]int, []int64, bool) {
	var w [3]int
	ws, ok := s.d["W"].([]any)
	if !ok || len(ws) != 3 {
		return nil, w, nil, false
	}
	for k := range w {
		n, ok := ws[k].(int64)
		if !ok || n < 0 || n > 8 {
			return nil, w, nil, false
		}
		w[k] = int(n)
	}
	sz, _ := s.d["Size"].(int64)
	idx := []int64{0, sz}
	if ix, ok := s.d["Index"].([]any); ok {
		idx = idx[:0]
		for _, v := range ix {
			n, ok := v.(int64)
			if !ok || n < 0 || n > 1<<31 {
				return nil, w, nil, false
			}
			idx = append(idx, n)
		}
	}
	length, ok := s.d["Length"].(int64)
	if !ok || length < 0 || length > pdfMaxXRef-p.inflated || rowLen(w) == 0 || s.stream == 0 {
		return nil, w, nil, false
	}
	p.inflated += length
	data := p.window(s.stream, int(length))
	if name, _ := s.d["Filter"].(pdfName); name == "FlateDecode" {
		z, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, w, nil, false
		}
		// A truncated or corrupt tail still leaves the rows before it usable.
		data, _ = io.ReadAll(io.LimitReader(z, pdfMaxXRef-p.inflated))
		p.inflated += int64(len(data))
	} else if name != "" {
		return nil, w, nil, false
	}
	parms, _ := s.d["DecodeParms"].(pdfDict)
	if pred, _ := parms["Predictor"].(int64); pred >= 10 {
		cols, ok := parms["Columns"].(int64)
		if !ok || cols != int64(rowLen(w)) {
			return nil, w, nil, false
		}
		data = unpredictPNG(data, rowLen(w))
	} else if pred > 1 {
		return nil, w, nil, false
	}
	return data, w, idx, true
}

// unpredictPNG undoes PNG row predictors (ISO 32000-1 7.4.4.4): each row
// of cols bytes is preceded by its filter type; bytes per pixel is 1.
func unpredictPNG(data []byte, cols int) []byte {
	out := make([]byte, 0, len(data)/(cols+1)*cols)
	prev := make([]byte, cols)
	for len(data) >= cols+1 {
		ft, n := data[0], len(out)
		out = append(out, data[1:cols+1]...)
		cur := out[n:]
		for i := range cols {
			var left, upLeft byte
			if i > 0 {
				left, upLeft = cur[i-1], prev[i-1]
			}
			switch ft {
			case 1:
				cur[i] += left
			case 2:
				cur[i] += prev[i]
			case 3:
				cur[i] += byte((int(left) + int(prev[i])) / 2)
			case 4:
				cur[i] += paeth(left, prev[i], upLeft)
			}
		}
		prev, data = cur, data[cols+1:]
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// object is an indirect object's dictionary: its reference, where it
// starts, and where its stream data would start.
type object struct {
	located
	ref    pdfRef
	stream int64
}

// objAt parses "N G obj << ... >>" at off.
func (p *pdf) objAt(off int64) *object {
	buf := p.window(off, pdfDictWindow)
	lx := &pdfLexer{b: buf}
	num, ok1 := lx.value(0).(int64)
	gen, ok2 := lx.value(0).(int64)
	if !ok1 || !ok2 || lx.keyword() != "obj" {
		return nil
	}
	d, ok := lx.value(0).(pdfDict)
	if !ok {
		return nil
	}
	o := &object{located: located{off: off, d: d}, ref: pdfRef{num, gen}}
	lx.space()
	if bytes.HasPrefix(buf[lx.i:], []byte("stream")) {
		// The keyword is followed by CRLF or LF (7.3.8.1).
		i := lx.i + 6
		if i < len(buf) && buf[i] == '\r' {
			i++
		}
		if i < len(buf) && buf[i] == '\n' {
			i++
		}
		o.stream = off + int64(i)
	}
	return o
}

// dictAfter parses the dictionary that follows off, after white space.
func (p *pdf) dictAfter(off int64) *located {
	lx := &pdfLexer{b: p.window(off, pdfDictWindow)}
	lx.space()
	start := off + int64(lx.i)
	if d, ok := lx.value(0).(pdfDict); ok {
		return &located{off: start, d: d}
	}
	return nil
}

// window returns up to n bytes of the file from off; fewer at its end or
// on a read error, which the parsers then see as a truncated object.
func (p *pdf) window(off int64, n int) []byte {
	if off < 0 || off >= p.size {
		return nil
	}
	buf := make([]byte, min(int64(n), p.size-off))
	got, _ := p.r.ReadAt(buf, off)
	return buf[:got]
}

// lastHits returns where the last pdfMaxHits occurrences of sep start.
func lastHits(b, sep []byte) []int {
	var out []int
	for end := len(b); len(out) < pdfMaxHits; {
		i := bytes.LastIndex(b[:end], sep)
		if i < 0 {
			break
		}
		out = append(out, i)
		end = i
	}
	return out
}

// pdfEncryption names the security handler of an encryption dictionary
// and tests the empty user password against it.
func pdfEncryption(enc pdfDict, id0 []byte) Info {
	if f, _ := enc["Filter"].(pdfName); f != "Standard" {
		return Info{Encrypted: true, Scheme: "pdf-pubkey", Detail: fmt.Sprintf("encrypted for certificate holders (%s security handler)", f)}
	}
	v, _ := enc["V"].(int64)
	rev, _ := enc["R"].(int64)
	o, _ := enc["O"].([]byte)
	u, _ := enc["U"].([]byte)
	perms, _ := enc["P"].(int64)
	scheme := "pdf-rc4"
	switch v {
	case 4:
		if cf, ok := enc["CF"].(pdfDict); ok {
			stmf, _ := enc["StmF"].(pdfName)
			if f, ok := cf[string(stmf)].(pdfDict); ok && f["CFM"] == pdfName("AESV2") {
				scheme = "pdf-aes128"
			}
		}
	case 5:
		scheme = "pdf-aes256"
	}
	opens := false
	switch {
	case rev >= 2 && rev <= 4 && len(o) >= 32 && len(u) >= 32:
		keyLen := 5
		if rev >= 3 {
			bits, ok := enc["Length"].(int64)
			switch {
			case rev == 4:
				bits = 128
			case !ok:
				bits = 40
			}
			if bits < 40 || bits > 128 || bits%8 != 0 {
				return Info{Encrypted: true, Scheme: scheme, Detail: fmt.Sprintf("encrypted, invalid key length %d", bits)}
			}
			keyLen = int(bits / 8)
		}
		meta, ok := enc["EncryptMetadata"].(bool)
		opens = emptyUserRC4(int(rev), keyLen, o[:32], u[:32], uint32(perms), id0, meta || !ok)
	case rev == 5 && len(u) >= 40:
		// Adobe extension level 3: SHA-256(password, validation salt).
		sum := sha256.Sum256(u[32:40])
		opens = bytes.Equal(sum[:], u[:32])
	case rev == 6 && len(u) >= 40:
		opens = bytes.Equal(hash2B(nil, u[32:40], nil), u[:32])
	case rev < 2 || rev > 6:
		return Info{Encrypted: true, Scheme: scheme, Detail: fmt.Sprintf("encrypted, unknown revision %d", rev)}
	default:
		return Info{Encrypted: true, Scheme: scheme, Detail: "encrypted, malformed /O or /U"}
	}
	if opens {
		return Info{Scheme: scheme, Detail: "PDF opens without a password (owner password only)"}
	}
	return Info{Encrypted: true, Scheme: scheme, Detail: "password-encrypted"}
}

// pdfPadding pads passwords to 32 bytes (ISO 32000-1 7.6.3.3 Algorithm 2
// step a); the empty password is this string itself.
var pdfPadding = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

// emptyUserRC4 reports whether the empty user password opens a revision
// 2-4 standard security handler: Algorithm 2 computes the file key, and
// Algorithm 4 (R2) or 5 (R3, R4) recomputes /U from it.
func emptyUserRC4(rev, keyLen int, o, u []byte, perms uint32, id0 []byte, encryptMetadata bool) bool {
	h := md5.New()
	h.Write(pdfPadding)
	h.Write(o)
	h.Write(binary.LittleEndian.AppendUint32(nil, perms))
	h.Write(id0)
	if rev >= 4 && !encryptMetadata {
		h.Write([]byte{0xFF, 0xFF, 0xFF, 0xFF})
	}
	key := h.Sum(nil)
	if rev >= 3 {
		for range 50 {
			s := md5.Sum(key[:keyLen])
			key = s[:]
		}
	}
	key = key[:keyLen]
	if rev == 2 {
		out := make([]byte, 32)
		rc4XOR(key, out, pdfPadding)
		return bytes.Equal(out, u)
	}
	s := md5.Sum(append(append([]byte{}, pdfPadding...), id0...))
	x := s[:]
	k := make([]byte, keyLen)
	for i := range 20 {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		rc4XOR(k, x, x)
	}
	return bytes.Equal(x, u[:16])
}

func rc4XOR(key, dst, src []byte) {
	c, err := rc4.NewCipher(key)
	if err != nil {
		return // keys here are 5 to 16 bytes, always valid
	}
	c.XORKeyStream(dst, src)
}

// hash2B is ISO 32000-2 7.6.4.3.4 Algorithm 2.B: SHA-256, then rounds of
// AES-128-CBC over 64 repetitions of password‖K‖udata, each round hashing
// with SHA-256/384/512 by the sum of the first 16 bytes mod 3, for at
// least 64 rounds and until the last byte is ≤ round-32.
func hash2B(password, salt, udata []byte) []byte {
	h := sha256.New()
	h.Write(password)
	h.Write(salt)
	h.Write(udata)
	k := h.Sum(nil)
	var e []byte
	for round := 0; round < 64 || int(e[len(e)-1]) > round-32; round++ {
		unit := append(append(append([]byte{}, password...), k...), udata...)
		k1 := bytes.Repeat(unit, 64)
		block, err := aes.NewCipher(k[:16])
		if err != nil {
			return nil
		}
		e = make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, c := range e[:16] {
			sum += int(c)
		}
		var hh hash.Hash
		switch sum % 3 {
		case 0:
			hh = sha256.New()
		case 1:
			hh = sha512.New384()
		default:
			hh = sha512.New()
		}
		hh.Write(e)
		k = hh.Sum(nil)
	}
	return k[:32]
}

// PDF objects as the lexer returns them: int64, float64, bool, nil,
// []byte (strings), pdfName, []any, pdfDict and pdfRef.
type (
	pdfName string
	pdfDict map[string]any
	pdfRef  struct{ num, gen int64 }
)

// pdfLexer parses PDF objects (ISO 32000-1 7.3) from a byte window. What
// it cannot parse, including anything cut off by the window's end, comes
// back as errPDFSyntax in place of a value.
type pdfLexer struct {
	b []byte
	i int
}

var errPDFSyntax = errors.New("PDF syntax")

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (lx *pdfLexer) space() {
	for lx.i < len(lx.b) {
		switch c := lx.b[lx.i]; {
		case isSpace(c):
			lx.i++
		case c == '%':
			for lx.i < len(lx.b) && lx.b[lx.i] != '\n' && lx.b[lx.i] != '\r' {
				lx.i++
			}
		default:
			return
		}
	}
}

// keyword reads a run of regular characters.
func (lx *pdfLexer) keyword() string {
	lx.space()
	s := lx.i
	for lx.i < len(lx.b) && !isSpace(lx.b[lx.i]) && !isDelim(lx.b[lx.i]) {
		lx.i++
	}
	return string(lx.b[s:lx.i])
}

func (lx *pdfLexer) value(depth int) any {
	lx.space()
	if lx.i >= len(lx.b) || depth > pdfMaxDepth {
		return errPDFSyntax
	}
	switch c := lx.b[lx.i]; {
	case c == '/':
		lx.i++
		return pdfName(lx.name())
	case c == '<' && lx.i+1 < len(lx.b) && lx.b[lx.i+1] == '<':
		lx.i += 2
		return lx.dict(depth)
	case c == '<':
		lx.i++
		return lx.hexString()
	case c == '(':
		lx.i++
		return lx.literal()
	case c == '[':
		lx.i++
		var arr []any
		for {
			lx.space()
			if lx.i < len(lx.b) && lx.b[lx.i] == ']' {
				lx.i++
				return arr
			}
			v := lx.value(depth + 1)
			if v == errPDFSyntax {
				return v
			}
			arr = append(arr, lx.ref(v))
		}
	}
	switch kw := lx.keyword(); kw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	case "":
		lx.i++ // a stray delimiter
		return errPDFSyntax
	default:
		if n, err := strconv.ParseInt(kw, 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(kw, 64); err == nil {
			return f
		}
		return errPDFSyntax
	}
}

// ref turns "N G R" into a pdfRef when v is N and "G R" follows.
func (lx *pdfLexer) ref(v any) any {
	num, ok := v.(int64)
	if !ok {
		return v
	}
	save := lx.i
	gen, ok := lx.value(pdfMaxDepth).(int64)
	if ok && lx.keyword() == "R" {
		return pdfRef{num, gen}
	}
	lx.i = save
	return v
}

func (lx *pdfLexer) dict(depth int) any {
	d := pdfDict{}
	for {
		lx.space()
		if lx.i+1 < len(lx.b) && lx.b[lx.i] == '>' && lx.b[lx.i+1] == '>' {
			lx.i += 2
			return d
		}
		k, ok := lx.value(depth + 1).(pdfName)
		if !ok {
			return errPDFSyntax
		}
		v := lx.value(depth + 1)
		if v == errPDFSyntax {
			return v
		}
		d[string(k)] = lx.ref(v)
	}
}

// name reads a name's characters, decoding #xx escapes (7.3.5).
func (lx *pdfLexer) name() string {
	var out []byte
	for lx.i < len(lx.b) && !isSpace(lx.b[lx.i]) && !isDelim(lx.b[lx.i]) {
		c := lx.b[lx.i]
		if c == '#' && lx.i+2 < len(lx.b) {
			if v, err := strconv.ParseUint(string(lx.b[lx.i+1:lx.i+3]), 16, 8); err == nil {
				c = byte(v)
				lx.i += 2
			}
		}
		out = append(out, c)
		lx.i++
	}
	return string(out)
}

// hexString reads <...>; white space is ignored and a final odd digit is
// followed by 0 (7.3.4.3).
func (lx *pdfLexer) hexString() any {
	var out []byte
	var hi int = -1
	for ; lx.i < len(lx.b); lx.i++ {
		c := lx.b[lx.i]
		if c == '>' {
			lx.i++
			if hi >= 0 {
				out = append(out, byte(hi<<4))
			}
			return out
		}
		if isSpace(c) {
			continue
		}
		v, err := strconv.ParseUint(string(c), 16, 8)
		if err != nil {
			return errPDFSyntax
		}
		if hi < 0 {
			hi = int(v)
		} else {
			out = append(out, byte(hi<<4|int(v)))
			hi = -1
		}
	}
	return errPDFSyntax
}

// literal reads (...) with balanced parentheses and the escapes of 7.3.4.2:
// \n \r \t \b \f \( \) \\, \ddd octal, and backslash-newline continuation.
func (lx *pdfLexer) literal() any {
	var out []byte
	depth := 1
	for lx.i < len(lx.b) {
		c := lx.b[lx.i]
		lx.i++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return out
			}
		case '\\':
			if lx.i >= len(lx.b) {
				return errPDFSyntax
			}
			c = lx.b[lx.i]
			lx.i++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.i < len(lx.b) && lx.b[lx.i] == '\n' {
					lx.i++
				}
				continue
			case '\n':
				continue
			default:
				if c >= '0' && c <= '7' {
					v := int(c - '0')
					for k := 0; k < 2 && lx.i < len(lx.b) && lx.b[lx.i] >= '0' && lx.b[lx.i] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.i]-'0')
						lx.i++
					}
					c = byte(v)
				}
			}
		case '\r':
			// An unescaped end of line is read as a line feed (7.3.4.2).
			if lx.i < len(lx.b) && lx.b[lx.i] == '\n' {
				lx.i++
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return errPDFSyntax
}
