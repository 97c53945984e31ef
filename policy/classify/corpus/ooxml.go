package corpus

import (
	"bytes"
	"crypto/aes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// sheet is one worksheet of a workbook.
type sheet struct {
	name    string
	t       table
	protect bool // sheet protection: a UI lock, not encryption
}

// encodeXLSX writes a workbook with excelize. Dates get a dd/mm/yyyy style
// and money 0.00 so a reader sees what Excel users see.
func encodeXLSX(sheets []sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	fmtDate := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtDate})
	if err != nil {
		return nil, fmt.Errorf("adding date style: %w", err)
	}
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return nil, fmt.Errorf("adding money style: %w", err)
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err != nil {
			return nil, fmt.Errorf("adding sheet %q: %w", s.name, err)
		}
		if err := writeSheet(f, s, dateStyle, moneyStyle); err != nil {
			return nil, fmt.Errorf("writing sheet %q: %w", s.name, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("saving workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func writeSheet(f *excelize.File, s sheet, dateStyle, moneyStyle int) error {
	row := 1
	put := func(vals []any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		row++
		return f.SetSheetRow(s.name, cell, &vals)
	}
	for _, r := range s.t.title {
		if err := put(anySlice(r)); err != nil {
			return err
		}
	}
	if len(s.t.title) > 0 {
		row++
	}
	if s.t.header != nil {
		if err := put(anySlice(s.t.header)); err != nil {
			return err
		}
	}
	for _, r := range s.t.rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
			if m, ok := v.(money); ok {
				vals[j] = float64(m)
			}
		}
		if err := put(vals); err != nil {
			return err
		}
		for j, v := range r {
			style := 0
			switch v.(type) {
			case time.Time:
				style = dateStyle
			case money:
				style = moneyStyle
			default:
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, row-1)
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(s.name, cell, cell, style); err != nil {
				return err
			}
		}
	}
	if s.protect {
		// No AlgorithmName: the legacy hash has no random salt, so the
		// output stays the same for the same seed.
		return f.ProtectSheet(s.name, &excelize.SheetProtectionOptions{Password: "ward3", SelectLockedCells: true, SelectUnlockedCells: true})
	}
	return nil
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// encryptOOXML wraps a workbook in ECMA-376 Standard encryption (AES-128,
// SHA-1; MS-OFFCRYPTO 2.3.4.5–2.3.4.9), the scheme excelize's SaveAs with a
// password writes. It is done here rather than by excelize because excelize
// draws its salt from crypto/rand, and the corpus must be byte-identical for
// a seed; excelize opens the result with the password (see the tests).
func encryptOOXML(pkg []byte, password string, r *rand.Rand) ([]byte, error) {
	salt, verifier := randBytes(r, 16), randBytes(r, 16)
	block, err := aes.NewCipher(standardKey(salt, password))
	if err != nil {
		return nil, fmt.Errorf("making cipher: %w", err)
	}
	ecb := func(p []byte) []byte {
		out := make([]byte, (len(p)+15)/16*16)
		copy(out, p)
		for i := 0; i < len(out); i += 16 {
			block.Encrypt(out[i:i+16], out[i:i+16])
		}
		return out
	}
	hash := sha1.Sum(verifier)

	var info bytes.Buffer
	le := func(v ...uint32) {
		for _, x := range v {
			_ = binary.Write(&info, binary.LittleEndian, x)
		}
	}
	csp := utf16Bytes("Microsoft Enhanced RSA and AES Cryptographic Provider (Prototype)\x00")
	le(0x00020003)            // version 3.2: Standard
	le(0x24)                  // flags: fCryptoAPI | fAES
	le(uint32(32 + len(csp))) // header size
	le(0x24, 0)               // header flags, size extra
	le(0x660E, 0x8004, 128)   // AES-128, SHA-1, key bits
	le(0x18, 0, 0)            // provider type PROV_RSA_AES, reserved
	info.Write(csp)
	le(16) // salt size
	info.Write(salt)
	info.Write(ecb(verifier)) // encrypted verifier
	le(sha1.Size)             // verifier hash size
	info.Write(ecb(hash[:]))  // encrypted verifier hash, padded to 32

	encPkg := binary.LittleEndian.AppendUint64(nil, uint64(len(pkg)))
	encPkg = append(encPkg, ecb(pkg)...)
	return writeCFB([]cfbStream{{"EncryptionInfo", info.Bytes()}, {"EncryptedPackage", encPkg}})
}

// standardKey derives the AES key from a password (MS-OFFCRYPTO 2.3.4.7).
func standardKey(salt []byte, password string) []byte {
	h := sha1.Sum(append(slices.Clone(salt), utf16Bytes(password)...))
	buf := make([]byte, 4+sha1.Size)
	for i := range uint32(50000) {
		binary.LittleEndian.PutUint32(buf, i)
		copy(buf[4:], h[:])
		h = sha1.Sum(buf)
	}
	final := sha1.Sum(append(h[:], 0, 0, 0, 0)) // block number 0
	x := func(c byte) [sha1.Size]byte {
		b := bytes.Repeat([]byte{c}, 64)
		for i, v := range final {
			b[i] ^= v
		}
		return sha1.Sum(b)
	}
	x1 := x(0x36)
	return x1[:16]
}

func utf16Bytes(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// cfbStream is one stream in the root storage of a compound file.
type cfbStream struct {
	name string
	data []byte
}

// Compound File Binary constants (MS-CFB 2.1, 2.2).
const (
	cfbSector   = 512
	cfbMini     = 64
	cfbCutoff   = 4096
	cfbFree     = 0xFFFFFFFF
	cfbEnd      = 0xFFFFFFFE
	cfbFATSect  = 0xFFFFFFFD
	cfbNoStream = 0xFFFFFFFF
)

var errCFBTooBig = errors.New("compound file needs a DIFAT")

// writeCFB writes a version 3 compound file whose root holds streams.
// Streams under 4096 bytes must live in the mini stream (MS-CFB 2.6.3);
// readers look for them there. Layout: FAT, directory, mini FAT, mini
// stream, then the large streams, each chain contiguous.
func writeCFB(streams []cfbStream) ([]byte, error) {
	streams = slices.Clone(streams)
	slices.SortFunc(streams, func(a, b cfbStream) int { return cfbCompare(a.name, b.name) })

	sectors := func(n, size int) int { return (n + size - 1) / size }
	var minis, bigs int
	for _, s := range streams {
		if len(s.data) < cfbCutoff {
			minis += sectors(len(s.data), cfbMini)
		} else {
			bigs += sectors(len(s.data), cfbSector)
		}
	}
	nDir := sectors(len(streams)+1, 4)
	nMiniFAT := sectors(minis, cfbSector/4)
	nMini := sectors(minis*cfbMini, cfbSector)
	other := nDir + nMiniFAT + nMini + bigs
	nFAT := 1
	for nFAT*cfbSector/4 < nFAT+other {
		nFAT++
	}
	if nFAT > 109 {
		return nil, errCFBTooBig
	}
	total := nFAT + other
	fat := make([]uint32, nFAT*cfbSector/4)
	for i := range fat {
		fat[i] = cfbFree
	}
	next := 0
	chain := func(table []uint32, n int) uint32 {
		if n == 0 {
			return cfbEnd
		}
		start := next
		for i := range n {
			table[start+i] = uint32(start + i + 1)
		}
		table[start+n-1] = cfbEnd
		next += n
		return uint32(start)
	}
	for i := range nFAT {
		fat[i] = cfbFATSect
	}
	next = nFAT
	dirStart := chain(fat, nDir)
	miniFATStart := chain(fat, nMiniFAT)
	miniStart := chain(fat, nMini)

	type placed struct {
		start uint32
		size  int
	}
	where := make([]placed, len(streams))
	for i, s := range streams {
		if len(s.data) >= cfbCutoff {
			where[i] = placed{chain(fat, sectors(len(s.data), cfbSector)), len(s.data)}
		}
	}
	miniFAT := make([]uint32, nMiniFAT*cfbSector/4)
	for i := range miniFAT {
		miniFAT[i] = cfbFree
	}
	var mini bytes.Buffer
	next = 0
	for i, s := range streams {
		if len(s.data) < cfbCutoff {
			where[i] = placed{chain(miniFAT, sectors(len(s.data), cfbMini)), len(s.data)}
			mini.Write(s.data)
			mini.Write(make([]byte, sectors(len(s.data), cfbMini)*cfbMini-len(s.data)))
		}
	}

	out := make([]byte, cfbSector*(1+total))
	le32 := func(off int, v uint32) { binary.LittleEndian.PutUint32(out[off:], v) }
	copy(out, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	binary.LittleEndian.PutUint16(out[24:], 0x003E) // minor version
	binary.LittleEndian.PutUint16(out[26:], 3)      // major version: 512-byte sectors
	binary.LittleEndian.PutUint16(out[28:], 0xFFFE) // byte order
	binary.LittleEndian.PutUint16(out[30:], 9)      // sector shift
	binary.LittleEndian.PutUint16(out[32:], 6)      // mini sector shift
	le32(44, uint32(nFAT))
	le32(48, dirStart)
	le32(56, cfbCutoff)
	le32(60, miniFATStart)
	le32(64, uint32(nMiniFAT))
	le32(68, cfbEnd) // no DIFAT sectors
	for i := range 109 {
		v := uint32(cfbFree)
		if i < nFAT {
			v = uint32(i)
		}
		le32(76+4*i, v)
	}
	at := func(sector uint32) int { return cfbSector * (1 + int(sector)) }
	for i, v := range fat {
		le32(cfbSector+4*i, v)
	}

	// Directory: root, then the streams in sorted order as a tree whose
	// root is the middle name (siblings are a binary search tree by
	// cfbCompare); every node black, as excelize also writes them.
	dir := at(dirStart)
	entry := func(idx int, name string, kind byte, left, right, child, start uint32, size int) {
		e := dir + 128*idx
		n := utf16Bytes(name + "\x00")
		copy(out[e:], n)
		binary.LittleEndian.PutUint16(out[e+64:], uint16(len(n)))
		out[e+66], out[e+67] = kind, 1
		le32(e+68, left)
		le32(e+72, right)
		le32(e+76, child)
		le32(e+116, start)
		binary.LittleEndian.PutUint64(out[e+120:], uint64(size))
	}
	var tree func(lo, hi int) uint32
	tree = func(lo, hi int) uint32 {
		if lo >= hi {
			return cfbNoStream
		}
		mid := (lo + hi) / 2
		entry(mid+1, streams[mid].name, 2, tree(lo, mid), tree(mid+1, hi), cfbNoStream, where[mid].start, where[mid].size)
		return uint32(mid + 1)
	}
	rootStart := miniStart
	if minis == 0 {
		rootStart = cfbEnd
	}
	entry(0, "Root Entry", 5, cfbNoStream, cfbNoStream, tree(0, len(streams)), rootStart, minis*cfbMini)
	for i := len(streams) + 1; i < nDir*4; i++ {
		e := dir + 128*i
		le32(e+68, cfbNoStream)
		le32(e+72, cfbNoStream)
		le32(e+76, cfbNoStream)
	}
	if nMiniFAT > 0 {
		for i, v := range miniFAT {
			le32(at(miniFATStart)+4*i, v)
		}
		copy(out[at(miniStart):], mini.Bytes())
	}
	for i, s := range streams {
		if len(s.data) >= cfbCutoff {
			copy(out[at(where[i].start):], s.data)
		}
	}
	return out, nil
}

// cfbCompare orders directory names as MS-CFB 2.6.4 requires: shorter
// first, then by upper-cased UTF-16 code units.
func cfbCompare(a, b string) int {
	ua, ub := utf16.Encode([]rune(strings.ToUpper(a))), utf16.Encode([]rune(strings.ToUpper(b)))
	if len(ua) != len(ub) {
		return len(ua) - len(ub)
	}
	return slices.Compare(ua, ub)
}
