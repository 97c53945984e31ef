package crypt

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"sort"
	"strings"
	"unicode/utf16"
)

// CFB sector markers (MS-CFB 2.1).
const (
	cfbFree   = 0xFFFFFFFF
	cfbEnd    = 0xFFFFFFFE
	cfbFATSec = 0xFFFFFFFD
	cfbNone   = 0xFFFFFFFF
)

// cfbFile describes a compound file for writeCFB: stream paths ("a/b",
// storages implied) and their contents.
type cfbFile map[string][]byte

// cfbLayout says where writeCFB put the directory, so tests can corrupt
// its chain.
type cfbLayout struct {
	dirStart, dirSectors uint32
}

// writeCFB writes a version 3 compound file (512-byte sectors) holding the
// streams, independently of mscfb. Every stream is padded to 4096 bytes so
// that none lives in the mini stream, which keeps the writer short;
// readers of these streams look only at their first bytes.
func writeCFB(streams cfbFile) ([]byte, cfbLayout) {
	type entry struct {
		name               string
		typ                byte // 1 storage, 2 stream, 5 root
		left, right, child uint32
		start, size        uint32
		data               []byte
	}
	entries := []*entry{{name: "Root Entry", typ: 5, left: cfbNone, right: cfbNone, child: cfbNone, start: cfbEnd}}
	index := map[string]int{"": 0}
	var lastChild = map[int]int{}
	var add func(path string, typ byte) int
	add = func(path string, typ byte) int {
		if i, ok := index[path]; ok {
			return i
		}
		parent, name := "", path
		if j := strings.LastIndex(path, "/"); j >= 0 {
			parent, name = path[:j], path[j+1:]
		}
		p := add(parent, 1)
		e := &entry{name: name, typ: typ, left: cfbNone, right: cfbNone, child: cfbNone, start: cfbEnd}
		entries = append(entries, e)
		i := len(entries) - 1
		index[path] = i
		// A degenerate tree: each storage's children hang off a chain of
		// right siblings. mscfb follows links and does not check colours.
		if prev, ok := lastChild[p]; ok {
			entries[prev].right = uint32(i)
		} else {
			entries[p].child = uint32(i)
		}
		lastChild[p] = i
		return i
	}
	paths := make([]string, 0, len(streams))
	for p := range streams {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		e := entries[add(p, 2)]
		e.data = append(append([]byte{}, streams[p]...), make([]byte, max(0, 4096-len(streams[p])))...)
		e.size = uint32(len(e.data))
	}

	dirSectors := (len(entries)*128 + 511) / 512
	dataSectors := 0
	for _, e := range entries {
		dataSectors += (len(e.data) + 511) / 512
	}
	fatSectors := 1
	for (fatSectors+dirSectors+dataSectors)/128 >= fatSectors {
		fatSectors++
	}
	total := fatSectors + dirSectors + dataSectors
	fat := make([]uint32, fatSectors*128)
	for i := range fat {
		fat[i] = cfbFree
	}
	for i := range fatSectors {
		fat[i] = cfbFATSec
	}
	chain := func(start, n int) {
		for i := start; i < start+n-1; i++ {
			fat[i] = uint32(i + 1)
		}
		fat[start+n-1] = cfbEnd
	}
	chain(fatSectors, dirSectors)
	next := fatSectors + dirSectors
	for _, e := range entries {
		if n := (len(e.data) + 511) / 512; n > 0 {
			e.start = uint32(next)
			chain(next, n)
			next += n
		}
	}

	out := make([]byte, 512*(1+total))
	copy(out, cfbSignature)
	le := binary.LittleEndian
	le.PutUint16(out[24:], 0x003E)
	le.PutUint16(out[26:], 3)
	le.PutUint16(out[28:], 0xFFFE)
	le.PutUint16(out[30:], 9)
	le.PutUint16(out[32:], 6)
	le.PutUint32(out[44:], uint32(fatSectors))
	le.PutUint32(out[48:], uint32(fatSectors))
	le.PutUint32(out[56:], 4096)
	le.PutUint32(out[60:], cfbEnd)
	le.PutUint32(out[68:], cfbEnd)
	for i := range 109 {
		v := uint32(cfbFree)
		if i < fatSectors {
			v = uint32(i)
		}
		le.PutUint32(out[76+4*i:], v)
	}
	sector := func(n int) []byte { return out[512*(n+1) : 512*(n+2)] }
	for i, v := range fat {
		le.PutUint32(sector(i / 128)[4*(i%128):], v)
	}
	for i, e := range entries {
		d := sector(fatSectors + i/4)[128*(i%4):]
		name := utf16.Encode([]rune(e.name))
		for j, c := range name {
			le.PutUint16(d[2*j:], c)
		}
		le.PutUint16(d[64:], uint16(2*len(name)+2))
		d[66], d[67] = e.typ, 1
		le.PutUint32(d[68:], e.left)
		le.PutUint32(d[72:], e.right)
		le.PutUint32(d[76:], e.child)
		le.PutUint32(d[116:], e.start)
		le.PutUint32(d[120:], e.size)
		if e.data != nil {
			copy(out[512*(int(e.start)+1):], e.data)
		}
	}
	return out, cfbLayout{dirStart: uint32(fatSectors), dirSectors: uint32(dirSectors)}
}

// setFAT points FAT entry sn of a file from writeCFB (one FAT sector is
// enough for the small files the tests build) at next.
func setFAT(file []byte, sn, next uint32) {
	binary.LittleEndian.PutUint32(file[512+4*int(sn):], next)
}

// biff returns BIFF records: type, length, data (MS-XLS 2.1.4).
func biff(records ...[]byte) []byte {
	var b bytes.Buffer
	for i := 0; i+1 < len(records); i += 2 {
		b.Write(records[i])
		b.Write(binary.LittleEndian.AppendUint16(nil, uint16(len(records[i+1]))))
		b.Write(records[i+1])
	}
	return b.Bytes()
}

func u16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// workbook is a BIFF8 globals substream: BOF, an optional FILEPASS body,
// EOF.
func workbook(filepass []byte) []byte {
	bof := append(append(u16(0x0600), u16(0x0005)...), make([]byte, 12)...)
	recs := [][]byte{u16(rtBOF8), bof}
	if filepass != nil {
		recs = append(recs, u16(rtFilePass), filepass)
	}
	return biff(append(recs, u16(rtEOF), nil)...)
}

// cryptoAPIFilePass builds a BIFF8 FILEPASS body for RC4 CryptoAPI
// (MS-OFFCRYPTO 2.3.5.1) whose verifier matches password, using the key
// derivation of 2.3.5.2. Checked once against msoffcrypto-tool 5.0
// ("-p VelvetSweatshop" accepts it, "-p x" does not); see make-fixtures.sh.
func cryptoAPIFilePass(password string, keyBits uint32) []byte {
	salt := bytes.Repeat([]byte{0x5A}, 16)
	verifier := []byte("0123456789abcdef")
	h0 := sha1.Sum(append(append([]byte{}, salt...), utf16le(password)...))
	hf := sha1.Sum(append(h0[:], 0, 0, 0, 0))
	key := make([]byte, 16)
	copy(key, hf[:keyBits/8])
	if keyBits > 40 {
		key = key[:keyBits/8]
	}
	vh := sha1.Sum(verifier)
	enc := append(append([]byte{}, verifier...), vh[:]...)
	rc4XOR(key, enc, enc)
	csp := utf16le("Microsoft Base Cryptographic Provider v1.0\x00")
	header := binary.LittleEndian.AppendUint32(nil, 0x04) // fCryptoAPI
	header = binary.LittleEndian.AppendUint32(header, 0)
	header = binary.LittleEndian.AppendUint32(header, 0x6801) // RC4
	header = binary.LittleEndian.AppendUint32(header, 0x8004) // SHA-1
	header = binary.LittleEndian.AppendUint32(header, keyBits)
	header = binary.LittleEndian.AppendUint32(header, 0x01) // PROV_RSA_FULL
	header = append(append(header, make([]byte, 8)...), csp...)
	b := append(append(u16(1), u16(2)...), u16(2)...) // RC4, version 2.2
	b = binary.LittleEndian.AppendUint32(b, 0x04)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	b = append(b, header...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = append(append(b, salt...), enc[:16]...)
	b = binary.LittleEndian.AppendUint32(b, 20)
	return append(b, enc[16:]...)
}
