package protect

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"unicode"
	"unicode/utf16"
)

// A compound file writer ([MS-CFB], Compound File Binary File Format),
// version 3 with 512-byte sectors: what an encrypted Office document is
// stored in. It writes what it is given in one pass, no more.

const (
	cfbSector      = 512
	cfbMiniSector  = 64
	cfbMiniCutoff  = 4096 // 2.2: smaller streams live in the mini stream
	cfbDirEntry    = 128
	cfbHeaderDIFAT = 109 // 2.2: FAT sector numbers in the header
	cfbPerSector   = cfbSector / 4

	cfbDIFSECT    = 0xFFFFFFFC // 2.1: sector numbers with a meaning
	cfbFATSECT    = 0xFFFFFFFD
	cfbENDOFCHAIN = 0xFFFFFFFE
	cfbFREESECT   = 0xFFFFFFFF
	cfbNOSTREAM   = 0xFFFFFFFF // 2.6.1: no sibling or child

	cfbTypeStorage = 1 // 2.6.1 object types
	cfbTypeStream  = 2
	cfbTypeRoot    = 5
	cfbBlack       = 1
)

// cfbStream is one stream of a compound file: its path of storage names
// and its own name, and its bytes.
type cfbStream struct {
	path []string
	data []byte
}

type cfbEntry struct {
	name                string
	typ                 byte
	left, right, child  uint32
	start               uint32
	size                uint64
	data                []byte
	children            []int // storages: entries below
	mini                bool
	firstMini, nSectors uint32
}

// cfbCompare orders siblings as 2.6.4 says: a shorter name (in UTF-16 code
// units) first, else by code points after simple upper-casing.
func cfbCompare(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	if c := cmp.Compare(len(ua), len(ub)); c != 0 {
		return c
	}
	for i := range ua {
		if c := cmp.Compare(unicode.ToUpper(rune(ua[i])), unicode.ToUpper(rune(ub[i]))); c != 0 {
			return c
		}
	}
	return 0
}

// writeCFB writes a compound file holding streams, with the storages their
// paths imply.
func writeCFB(w io.Writer, streams []cfbStream) error {
	newEntry := func(name string, typ byte) *cfbEntry {
		return &cfbEntry{name: name, typ: typ, left: cfbNOSTREAM, right: cfbNOSTREAM, child: cfbNOSTREAM}
	}
	entries := []*cfbEntry{newEntry("Root Entry", cfbTypeRoot)}
	storages := map[string]int{"": 0}
	for _, s := range streams {
		parent, key := 0, ""
		for _, name := range s.path[:len(s.path)-1] {
			key += "/" + name
			i, ok := storages[key]
			if !ok {
				i = len(entries)
				entries = append(entries, newEntry(name, cfbTypeStorage))
				entries[parent].children = append(entries[parent].children, i)
				storages[key] = i
			}
			parent = i
		}
		i := len(entries)
		e := newEntry(s.path[len(s.path)-1], cfbTypeStream)
		e.data, e.size = s.data, uint64(len(s.data))
		entries = append(entries, e)
		entries[parent].children = append(entries[parent].children, i)
	}
	for _, e := range entries {
		if n := len(utf16.Encode([]rune(e.name))); n > 31 {
			return fmt.Errorf("compound file name %q is longer than 31 characters", e.name)
		}
		if e.size > 1<<32-1 {
			return fmt.Errorf("compound file stream %q of %d bytes is too large for version 3", e.name, e.size)
		}
	}

	// Siblings form a binary search tree under their storage, balanced so
	// that all nodes can be black, which 2.6.4 allows.
	for _, e := range entries {
		slices.SortFunc(e.children, func(a, b int) int { return cfbCompare(entries[a].name, entries[b].name) })
		e.child = cfbTree(entries, e.children)
	}

	// Place the streams: small ones in the mini stream, the others in
	// sectors of their own after the directory, mini FAT and mini stream.
	var miniSectors, bigSectors uint32
	for _, e := range entries {
		if e.typ != cfbTypeStream {
			continue
		}
		if e.size < cfbMiniCutoff {
			e.mini = true
			e.nSectors = uint32((e.size + cfbMiniSector - 1) / cfbMiniSector)
			e.start = miniSectors
			miniSectors += e.nSectors
		} else {
			e.nSectors = uint32((e.size + cfbSector - 1) / cfbSector)
			bigSectors += e.nSectors
		}
	}
	dirSectors := uint32((len(entries)*cfbDirEntry + cfbSector - 1) / cfbSector)
	miniFATSectors := (miniSectors + cfbPerSector - 1) / cfbPerSector
	miniStreamSectors := (miniSectors*cfbMiniSector + cfbSector - 1) / cfbSector
	content := dirSectors + miniFATSectors + miniStreamSectors + bigSectors
	// The FAT covers every sector, its own and the DIFAT's included.
	var fatSectors, difatSectors uint32
	for fatSectors = 1; ; fatSectors++ {
		difatSectors = 0
		if fatSectors > cfbHeaderDIFAT {
			difatSectors = (fatSectors - cfbHeaderDIFAT + cfbPerSector - 2) / (cfbPerSector - 1)
		}
		if fatSectors*cfbPerSector >= content+fatSectors+difatSectors {
			break
		}
	}

	fat := make([]uint32, fatSectors*cfbPerSector)
	for i := range fat {
		fat[i] = cfbFREESECT
	}
	next := uint32(0)
	chain := func(n uint32) uint32 { // allocates n sectors in a row
		if n == 0 {
			return cfbENDOFCHAIN
		}
		start := next
		for i := range n - 1 {
			fat[start+i] = start + i + 1
		}
		fat[start+n-1] = cfbENDOFCHAIN
		next += n
		return start
	}
	for range fatSectors {
		fat[next] = cfbFATSECT
		next++
	}
	firstDIFAT := uint32(cfbENDOFCHAIN)
	if difatSectors > 0 {
		firstDIFAT = next
	}
	for range difatSectors {
		fat[next] = cfbDIFSECT
		next++
	}
	firstDir := chain(dirSectors)
	firstMiniFAT := chain(miniFATSectors)
	root := entries[0]
	root.start = chain(miniStreamSectors)
	root.size = uint64(miniSectors) * cfbMiniSector
	for _, e := range entries {
		switch {
		case e.typ != cfbTypeStream:
		case e.size == 0:
			e.start = cfbENDOFCHAIN
		case !e.mini:
			e.start = chain(e.nSectors)
		}
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	// Header (2.2).
	h := make([]byte, cfbSector)
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[0x18:], 0x003E) // minor version
	le.PutUint16(h[0x1A:], 3)      // major version
	le.PutUint16(h[0x1C:], 0xFFFE) // byte order
	le.PutUint16(h[0x1E:], 9)      // 2^9 = 512-byte sectors
	le.PutUint16(h[0x20:], 6)      // 2^6 = 64-byte mini sectors
	le.PutUint32(h[0x2C:], fatSectors)
	le.PutUint32(h[0x30:], firstDir)
	le.PutUint32(h[0x38:], cfbMiniCutoff)
	le.PutUint32(h[0x3C:], firstMiniFAT)
	le.PutUint32(h[0x40:], miniFATSectors)
	le.PutUint32(h[0x44:], firstDIFAT)
	le.PutUint32(h[0x48:], difatSectors)
	for i := range uint32(cfbHeaderDIFAT) {
		v := uint32(cfbFREESECT)
		if i < fatSectors {
			v = i
		}
		le.PutUint32(h[0x4C+4*i:], v)
	}
	bw.Write(h)

	sector := make([]byte, cfbSector)
	putU32s := func(vs []uint32) {
		clear(sector)
		for i, v := range vs {
			le.PutUint32(sector[4*i:], v)
		}
		bw.Write(sector)
	}
	for i := uint32(0); i < fatSectors; i++ {
		putU32s(fat[i*cfbPerSector : (i+1)*cfbPerSector])
	}
	// DIFAT sectors (2.5): 127 FAT sector numbers and the next DIFAT
	// sector's.
	for d := range difatSectors {
		vs := make([]uint32, cfbPerSector)
		for i := range vs {
			vs[i] = cfbFREESECT
		}
		for i := range uint32(cfbPerSector - 1) {
			if f := cfbHeaderDIFAT + d*(cfbPerSector-1) + i; f < fatSectors {
				vs[i] = f
			}
		}
		vs[cfbPerSector-1] = cfbENDOFCHAIN
		if d+1 < difatSectors {
			vs[cfbPerSector-1] = fatSectors + d + 1
		}
		putU32s(vs)
	}

	// Directory (2.6).
	dir := make([]byte, dirSectors*cfbSector)
	for i := range int(dirSectors * cfbSector / cfbDirEntry) {
		d := dir[i*cfbDirEntry : (i+1)*cfbDirEntry]
		le.PutUint32(d[0x44:], cfbNOSTREAM)
		le.PutUint32(d[0x48:], cfbNOSTREAM)
		le.PutUint32(d[0x4C:], cfbNOSTREAM)
		if i >= len(entries) {
			continue
		}
		e := entries[i]
		u := utf16.Encode([]rune(e.name))
		for j, c := range u {
			le.PutUint16(d[2*j:], c)
		}
		le.PutUint16(d[0x40:], uint16(2*len(u)+2))
		d[0x42] = e.typ
		d[0x43] = cfbBlack
		le.PutUint32(d[0x44:], e.left)
		le.PutUint32(d[0x48:], e.right)
		le.PutUint32(d[0x4C:], e.child)
		if e.typ != cfbTypeStorage {
			le.PutUint32(d[0x74:], e.start)
			le.PutUint64(d[0x78:], e.size)
		}
	}
	bw.Write(dir)

	// Mini FAT (2.4) and the mini stream.
	miniFAT := make([]uint32, miniFATSectors*cfbPerSector)
	for i := range miniFAT {
		miniFAT[i] = cfbFREESECT
	}
	for _, e := range entries {
		if !e.mini || e.nSectors == 0 {
			continue
		}
		for i := range e.nSectors - 1 {
			miniFAT[e.start+i] = e.start + i + 1
		}
		miniFAT[e.start+e.nSectors-1] = cfbENDOFCHAIN
	}
	for i := uint32(0); i < miniFATSectors; i++ {
		putU32s(miniFAT[i*cfbPerSector : (i+1)*cfbPerSector])
	}
	var written uint64
	for _, e := range entries {
		if e.mini {
			bw.Write(e.data)
			bw.Write(make([]byte, uint64(e.nSectors)*cfbMiniSector-e.size))
			written += uint64(e.nSectors) * cfbMiniSector
		}
	}
	bw.Write(make([]byte, uint64(miniStreamSectors)*cfbSector-written))

	for _, e := range entries {
		if e.typ == cfbTypeStream && !e.mini && e.size > 0 {
			bw.Write(e.data)
			bw.Write(make([]byte, uint64(e.nSectors)*cfbSector-e.size))
		}
	}
	// bufio.Writer keeps the first error and returns it here.
	return bw.Flush()
}

// cfbTree links the sorted siblings idx into a balanced binary tree and
// returns its root, or NOSTREAM for none.
func cfbTree(entries []*cfbEntry, idx []int) uint32 {
	if len(idx) == 0 {
		return cfbNOSTREAM
	}
	mid := len(idx) / 2
	e := entries[idx[mid]]
	e.left = cfbTree(entries, idx[:mid])
	e.right = cfbTree(entries, idx[mid+1:])
	return uint32(idx[mid])
}
