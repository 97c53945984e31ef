package crypt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/bodgit/sevenzip"
	"github.com/ulikunitz/xz/lzma"
)

// Limits for one 7z archive. bodgit/sevenzip sizes its slices from counts
// in the header (up to 2^32 files) and its decoders' memory from coder
// properties, so every count and property is checked here, by a parser
// that reads the header the way that library does, before it sees a byte.
const (
	szMaxHeader   = 16 << 20  // bytes of a header, packed or decoded
	szMaxItems    = 1 << 16   // files, folders, pack streams and substreams
	szMaxStreams  = 64        // coders and coder streams in one folder, as 7-Zip
	szMaxProps    = 256       // property bytes of one coder
	szMaxCoderMem = 256 << 20 // dictionary or model memory of one coder
	szMaxSkip     = 64 << 20  // bytes decoded before an entry's first byte
)

// 7z coder method ids (7-Zip DOC/Methods.txt).
const (
	szCopy  = "\x00"
	szLZMA  = "\x03\x01\x01"
	szLZMA2 = "\x21"
	szPPMd  = "\x03\x04\x01"
	szAES   = "\x06\xf1\x07\x01"
)

// szOpenable are the methods whose decoders have bounded memory once their
// properties pass szMaxCoderMem: copy, LZMA, LZMA2, PPMd, the branch
// filters (BCJ, BCJ2, PPC, ARM, SPARC, ARM64), Delta, Deflate, BZip2, LZ4
// and Brotli (whose window is at most 16 MiB unless a decoder opts into
// large windows). Zstandard is left out: its decoder accepts windows of
// hundreds of megabytes and starts goroutines of its own.
var szOpenable = map[string]bool{
	szCopy: true, szLZMA: true, szLZMA2: true, szPPMd: true,
	"\x03\x03\x01\x03": true, "\x03\x03\x01\x1b": true, "\x03\x03\x02\x05": true,
	"\x03\x03\x05\x01": true, "\x03\x03\x08\x05": true, "\x0a": true, "\x03": true,
	"\x04\x01\x08": true, "\x04\x02\x02": true, "\x04\xf7\x11\x04": true, "\x04\xf7\x11\x02": true,
}

var szSignature = []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}

// SevenZip reports whether the 7z archive of the given size in r needs a
// password: its header is encrypted (7z a -mhe=on), or the data of every
// folder passes through the AES-256 coder 06F10701. An archive with both
// encrypted and plain folders is not encrypted for us, since anyone can
// read its plain entries. Nothing is decompressed except the header.
func SevenZip(r io.ReaderAt, size int64) (Info, error) {
	a, err := read7z(r, size)
	if err != nil {
		return Info{}, err
	}
	if a.headerEncrypted {
		return Info{Encrypted: true, Scheme: "7z-aes-headers", Detail: "file names and contents encrypted"}, nil
	}
	var enc int
	for _, f := range a.folders {
		if f.encrypted {
			enc++
		}
	}
	switch {
	case enc == 0:
		return Info{Scheme: "7z"}, nil
	case enc < len(a.folders):
		return Info{Scheme: "7z-aes", Detail: "some entries not encrypted"}, nil
	}
	return Info{Encrypted: true, Scheme: "7z-aes", Detail: "contents encrypted, file names visible"}, nil
}

// SevenZipEntries calls visit for every file of the 7z archive of the
// given size in r whose data is not encrypted, in archive order, skipping
// directories, so the caller can classify them; size is as declared. open
// decompresses the entry and the caller bounds what it reads. open fails
// with ErrLimit when it would first have to decode more than 64 MiB of a
// solid block or a coder asks for more than 256 MiB of memory, and with
// errors.ErrUnsupported for Zstandard and unknown coders. An archive with
// an encrypted header has no plain entries. The first error from visit
// stops the walk and is returned as it is.
func SevenZipEntries(r io.ReaderAt, size int64, visit func(name string, size int64, open func() (io.ReadCloser, error)) error) error {
	a, err := read7z(r, size)
	if err != nil || a.headerEncrypted {
		return err
	}
	z, err := sevenzip.NewReader(io.NewSectionReader(r, 0, size), size)
	if err != nil {
		return fmt.Errorf("reading 7z archive: %w: %w", ErrMalformed, err)
	}
	skip := make([]uint64, len(a.folders))
	for _, f := range z.File {
		if f.FileInfo().IsDir() {
			continue
		}
		var fo *szFolder
		offset := uint64(0)
		if f.UncompressedSize > 0 && f.Stream < len(a.folders) {
			fo, offset = &a.folders[f.Stream], skip[f.Stream]
			skip[f.Stream] += f.UncompressedSize
			if fo.encrypted {
				continue
			}
		}
		open := func() (io.ReadCloser, error) {
			switch {
			case fo != nil && fo.costly != nil:
				return nil, fmt.Errorf("opening %s: %w", f.Name, fo.costly)
			case offset > szMaxSkip:
				return nil, fmt.Errorf("opening %s: %d bytes into a solid block: %w", f.Name, offset, ErrLimit)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("opening %s: %w", f.Name, err)
			}
			return rc, nil
		}
		if err := visit(f.Name, int64(min(f.UncompressedSize, math.MaxInt64)), open); err != nil {
			return err
		}
	}
	return nil
}

// szArchive is what the header says, as far as we need it.
type szArchive struct {
	headerEncrypted bool
	folders         []szFolder
}

type szFolder struct {
	coders    []szCoder
	unpack    []uint64 // size of each coder output stream
	numIn     uint64
	packed    uint64 // pack streams it reads
	encrypted bool
	// costly says why SevenZipEntries will not decode it, or is nil.
	costly error
}

type szCoder struct {
	id      string
	in, out uint64
	props   []byte
}

// read7z reads the signature header (7-Zip DOC/7zFormat.txt), the next
// header it points to and, when that is an encoded header, decodes it.
func read7z(r io.ReaderAt, size int64) (*szArchive, error) {
	var sh [32]byte
	if err := readAt(r, size, sh[:], 0); err != nil || !bytes.Equal(sh[:6], szSignature) {
		return nil, fmt.Errorf("reading 7z signature header: %w", ErrMalformed)
	}
	if crc32.ChecksumIEEE(sh[12:32]) != binary.LittleEndian.Uint32(sh[8:]) {
		return nil, fmt.Errorf("7z start header checksum: %w", ErrMalformed)
	}
	off, n := binary.LittleEndian.Uint64(sh[12:]), binary.LittleEndian.Uint64(sh[20:])
	if n > szMaxHeader {
		return nil, fmt.Errorf("7z header of %d bytes: %w", n, ErrLimit)
	}
	if off > uint64(size) || n == 0 {
		return nil, fmt.Errorf("7z header at %d of %d bytes: %w", off, n, ErrMalformed)
	}
	hdr := make([]byte, n)
	if err := readAt(r, size, hdr, 32+int64(off)); err != nil {
		return nil, fmt.Errorf("reading 7z header: %w", err)
	}
	if crc32.ChecksumIEEE(hdr) != binary.LittleEndian.Uint32(sh[28:]) {
		return nil, fmt.Errorf("7z header checksum: %w", ErrMalformed)
	}
	a := &szArchive{}
	p := &szParser{b: hdr}
	switch p.byte() {
	case 0x01:
		p.header(a)
	case 0x17:
		si := p.streams()
		if p.err != nil {
			return nil, fmt.Errorf("7z encoded header: %w", p.err)
		}
		if len(si.folders) != 1 {
			return nil, fmt.Errorf("7z encoded header with %d folders: %w", len(si.folders), ErrMalformed)
		}
		if si.folders[0].encrypted {
			a.headerEncrypted = true
			return a, nil
		}
		// bodgit/sevenzip will decode it again, with its own decoder.
		if si.folders[0].costly != nil {
			return nil, fmt.Errorf("7z encoded header: %w", si.folders[0].costly)
		}
		dec, err := decodeHeader(r, size, si)
		if err != nil {
			return nil, err
		}
		p = &szParser{b: dec}
		if p.byte() != 0x01 {
			return nil, fmt.Errorf("7z encoded header does not decode to a header: %w", ErrMalformed)
		}
		p.header(a)
	default:
		return nil, fmt.Errorf("7z header type: %w", ErrMalformed)
	}
	if p.err != nil {
		return nil, fmt.Errorf("7z header: %w", p.err)
	}
	return a, nil
}

// decodeHeader unpacks an encoded header whose folder is one LZMA, LZMA2
// or copy coder, which is what 7-Zip writes; the unpacked size is capped,
// and so is the decoder's dictionary, at that size.
func decodeHeader(r io.ReaderAt, size int64, si *szStreams) ([]byte, error) {
	f := si.folders[0]
	if len(f.coders) != 1 || len(si.packSizes) < 1 {
		return nil, fmt.Errorf("7z encoded header with %d coders: %w", len(f.coders), errors.ErrUnsupported)
	}
	n := f.unpack[0]
	if n > szMaxHeader || si.packSizes[0] > szMaxHeader {
		return nil, fmt.Errorf("7z encoded header of %d bytes: %w", n, ErrLimit)
	}
	if si.packPos > uint64(size) {
		return nil, fmt.Errorf("7z encoded header at %d: %w", si.packPos, ErrMalformed)
	}
	packed := io.NewSectionReader(r, 32+int64(si.packPos), int64(si.packSizes[0]))
	dictCap := max(lzma.MinDictCap, int(n))
	var src io.Reader
	var err error
	switch c := f.coders[0]; c.id {
	case szCopy:
		src = packed
	case szLZMA:
		if len(c.props) != 5 {
			return nil, fmt.Errorf("7z LZMA properties: %w", ErrMalformed)
		}
		h := append(append([]byte{}, c.props...), binary.LittleEndian.AppendUint64(nil, n)...)
		src, err = lzma.ReaderConfig{DictCap: max(dictCap, int(min(binary.LittleEndian.Uint32(c.props[1:]), math.MaxInt32)))}.NewReader(io.MultiReader(bytes.NewReader(h), packed))
	case szLZMA2:
		src, err = lzma.Reader2Config{DictCap: dictCap}.NewReader2(packed)
	default:
		return nil, fmt.Errorf("7z encoded header coder %x: %w", c.id, errors.ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding 7z header: %w: %w", ErrMalformed, err)
	}
	dec := make([]byte, n)
	if _, err := io.ReadFull(src, dec); err != nil {
		return nil, fmt.Errorf("decoding 7z header: %w: %w", ErrMalformed, err)
	}
	if len(si.folderCRCs) == 1 && si.folderCRCs[0].defined && crc32.ChecksumIEEE(dec) != si.folderCRCs[0].sum {
		return nil, fmt.Errorf("7z encoded header checksum: %w", ErrMalformed)
	}
	return dec, nil
}

// szParser reads header structures. The first error sticks: later reads
// return zeros, so callers check err once at the end, and every loop is
// bounded by a count that was itself checked.
type szParser struct {
	b   []byte
	i   int
	err error
}

func (p *szParser) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

func (p *szParser) byte() byte {
	if p.err != nil || p.i >= len(p.b) {
		p.fail(fmt.Errorf("header truncated: %w", ErrMalformed))
		return 0
	}
	p.i++
	return p.b[p.i-1]
}

func (p *szParser) bytes(n uint64) []byte {
	if p.err != nil || n > uint64(len(p.b)-p.i) {
		p.fail(fmt.Errorf("header truncated: %w", ErrMalformed))
		return nil
	}
	p.i += int(n)
	return p.b[p.i-int(n) : p.i]
}

// number reads 7z's variable-length UINT64: the leading one bits of the
// first byte count the little-endian bytes that follow.
func (p *szParser) number() uint64 {
	first := p.byte()
	var v uint64
	mask := byte(0x80)
	for i := range 8 {
		if first&mask == 0 {
			return v | uint64(first&(mask-1))<<(8*i)
		}
		v |= uint64(p.byte()) << (8 * i)
		mask >>= 1
	}
	return v
}

// count reads a number that sizes something: it must be in [lo, hi].
func (p *szParser) count(lo, hi uint64, what string) uint64 {
	n := p.number()
	switch {
	case p.err != nil:
		return 0
	case n > hi:
		p.fail(fmt.Errorf("%d %s: %w", n, what, ErrLimit))
		return 0
	case n < lo:
		p.fail(fmt.Errorf("%d %s: %w", n, what, ErrMalformed))
	}
	return n
}

func (p *szParser) expect(id byte) {
	if got := p.byte(); got != id && p.err == nil {
		p.fail(fmt.Errorf("property %#x where %#x was due: %w", got, id, ErrMalformed))
	}
}

// bits reads a packed bit vector, most significant bit first.
func (p *szParser) bits(n uint64) []bool {
	v := make([]bool, n)
	var b byte
	for i := range v {
		if i%8 == 0 {
			b = p.byte()
		}
		v[i] = b&(0x80>>(i%8)) != 0
	}
	return v
}

type szCRC struct {
	defined bool
	sum     uint32
}

// crcs reads n optional CRCs: an all-defined byte, else a bit vector.
func (p *szParser) crcs(n uint64) []szCRC {
	defined := make([]bool, n)
	if p.byte() == 0 {
		defined = p.bits(n)
	} else {
		for i := range defined {
			defined[i] = true
		}
	}
	out := make([]szCRC, n)
	for i, d := range defined {
		if d {
			if b := p.bytes(4); b != nil {
				out[i] = szCRC{true, binary.LittleEndian.Uint32(b)}
			}
		}
	}
	return out
}

type szStreams struct {
	packPos    uint64
	packSizes  []uint64
	folders    []szFolder
	folderCRCs []szCRC
	substreams uint64 // unpack streams in all folders, that is non-empty files
	hasUnpack  bool
}

// header reads a Header: optional MainStreamsInfo and FilesInfo, as
// bodgit/sevenzip does (it refuses ArchiveProperties and
// AdditionalStreamsInfo), then checks that files and streams agree, for
// that library indexes its slices by them.
func (p *szParser) header(a *szArchive) {
	id := p.byte()
	si := &szStreams{}
	if id == 0x04 {
		si = p.streams()
		id = p.byte()
	}
	var files, empty uint64
	if id == 0x05 {
		files, empty = p.files()
		id = p.byte()
	}
	if id != 0x00 && p.err == nil {
		p.fail(fmt.Errorf("header property %#x: %w", id, ErrMalformed))
	}
	if full := files - empty; full > 0 && (!si.hasUnpack || full > si.substreams) {
		p.fail(fmt.Errorf("%d files with data for %d streams: %w", full, si.substreams, ErrMalformed))
	}
	a.folders = si.folders
}

// streams reads StreamsInfo: PackInfo, UnpackInfo and SubStreamsInfo.
func (p *szParser) streams() *szStreams {
	si := &szStreams{}
	id := p.byte()
	if id == 0x06 {
		si.packPos = p.number()
		n := p.count(1, szMaxItems, "pack streams")
		id = p.byte()
		if id == 0x09 {
			si.packSizes = make([]uint64, n)
			for i := range si.packSizes {
				si.packSizes[i] = p.number()
			}
			id = p.byte()
		}
		if id == 0x0A {
			p.crcs(n)
			id = p.byte()
		}
		if id != 0x00 {
			p.fail(fmt.Errorf("pack info property %#x: %w", id, ErrMalformed))
		}
		id = p.byte()
	}
	if id == 0x07 {
		p.unpack(si)
		id = p.byte()
	}
	if id == 0x08 {
		if !si.hasUnpack {
			p.fail(fmt.Errorf("substreams without folders: %w", ErrMalformed))
		}
		p.substreams(si)
		id = p.byte()
	} else {
		si.substreams = uint64(len(si.folders))
	}
	if id != 0x00 && p.err == nil {
		p.fail(fmt.Errorf("streams info property %#x: %w", id, ErrMalformed))
	}
	var packed uint64
	for _, f := range si.folders {
		packed += f.packed
	}
	if packed > uint64(len(si.packSizes)) {
		p.fail(fmt.Errorf("folders read %d pack streams of %d: %w", packed, len(si.packSizes), ErrMalformed))
	}
	return si
}

func (p *szParser) unpack(si *szStreams) {
	p.expect(0x0B)
	n := p.count(1, szMaxItems, "folders")
	if p.byte() != 0 {
		p.fail(fmt.Errorf("external folders: %w", errors.ErrUnsupported))
	}
	si.folders = make([]szFolder, 0, min(n, 1024))
	for range n {
		if p.err != nil {
			return
		}
		si.folders = append(si.folders, p.folder())
	}
	p.expect(0x0C)
	for i := range si.folders {
		f := &si.folders[i]
		f.unpack = make([]uint64, len(f.coders)) // every coder has one output
		for j := range f.unpack {
			f.unpack[j] = p.number()
		}
		f.costly = costly(f)
	}
	id := p.byte()
	if id == 0x0A {
		si.folderCRCs = p.crcs(n)
		id = p.byte()
	}
	if id != 0x00 {
		p.fail(fmt.Errorf("unpack info property %#x: %w", id, ErrMalformed))
	}
	si.hasUnpack = p.err == nil
}

// folder reads one Folder: its coders, bind pairs and packed streams. The
// library decodes only coders with one output, so only those are taken.
func (p *szParser) folder() szFolder {
	var f szFolder
	n := p.count(1, szMaxStreams, "coders")
	var out uint64
	for range n {
		flag := p.byte()
		c := szCoder{id: string(p.bytes(uint64(flag & 0x0F))), in: 1, out: 1}
		if flag&0x10 != 0 {
			c.in = p.count(1, szMaxStreams, "coder inputs")
			if c.out = p.count(1, szMaxStreams, "coder outputs"); c.out != 1 && p.err == nil {
				p.fail(fmt.Errorf("coder with %d outputs: %w", c.out, errors.ErrUnsupported))
			}
		}
		if flag&0x20 != 0 {
			c.props = p.bytes(p.count(1, szMaxProps, "property bytes"))
		}
		f.encrypted = f.encrypted || c.id == szAES
		f.numIn += c.in
		out += c.out
		f.coders = append(f.coders, c)
	}
	if p.err != nil {
		return f
	}
	if f.numIn > szMaxStreams || f.numIn < out {
		p.fail(fmt.Errorf("folder with %d inputs for %d outputs: %w", f.numIn, out, ErrMalformed))
		return f
	}
	bound := make(map[uint64]bool)
	for range out - 1 {
		in, o := p.number(), p.number()
		if in >= f.numIn || o >= out {
			p.fail(fmt.Errorf("bind pair %d-%d: %w", in, o, ErrMalformed))
		}
		bound[in] = true
	}
	f.packed = f.numIn - (out - 1)
	if f.packed > 1 {
		for range f.packed {
			if i := p.number(); i >= f.numIn {
				p.fail(fmt.Errorf("packed stream %d: %w", i, ErrMalformed))
			}
		}
	}
	return f
}

// substreams reads SubStreamsInfo: how many files each folder holds, their
// sizes and CRCs. Like bodgit/sevenzip it expects a CRC for every one.
func (p *szParser) substreams(si *szStreams) {
	per := make([]uint64, len(si.folders))
	for i := range per {
		per[i] = 1
	}
	id := p.byte()
	if id == 0x0D {
		var total uint64
		for i := range per {
			per[i] = p.count(0, szMaxItems, "substreams")
			if total += per[i]; total > szMaxItems {
				p.fail(fmt.Errorf("%d substreams: %w", total, ErrLimit))
				return
			}
		}
		id = p.byte()
	}
	for _, k := range per {
		si.substreams += k
	}
	if id == 0x09 {
		for _, k := range per {
			for j := uint64(1); j < k; j++ {
				p.number()
			}
		}
		id = p.byte()
	} else {
		for _, k := range per {
			if k > 1 {
				p.fail(fmt.Errorf("substream sizes missing: %w", ErrMalformed))
			}
		}
	}
	if id == 0x0A {
		if si.substreams == 0 {
			p.fail(fmt.Errorf("CRCs of no substreams: %w", ErrMalformed))
		}
		p.crcs(si.substreams)
		id = p.byte()
	}
	if id != 0x00 {
		p.fail(fmt.Errorf("substreams property %#x: %w", id, ErrMalformed))
	}
}

// files reads FilesInfo and returns the number of files and of those
// without data, reading each property as bodgit/sevenzip does.
func (p *szParser) files() (files, empty uint64) {
	files = p.count(1, szMaxItems, "files")
	for p.err == nil {
		prop := p.byte()
		if prop == 0x00 {
			return files, empty
		}
		length := p.number()
		switch prop {
		case 0x0E: // emptyStream
			empty = 0
			for _, e := range p.bits(files) {
				if e {
					empty++
				}
			}
		case 0x0F: // emptyFile
			if empty == 0 {
				p.fail(fmt.Errorf("empty files without empty streams: %w", ErrMalformed))
			}
			p.bits(empty)
		case 0x12, 0x13, 0x14: // CTime, ATime, MTime
			p.optional(files, 8)
		case 0x15: // attributes
			p.optional(files, 4)
		case 0x11, 0x19: // names, dummy
			p.bytes(length)
		default:
			p.fail(fmt.Errorf("file property %#x: %w", prop, ErrMalformed))
		}
	}
	return files, empty
}

// optional reads n optionally defined values of size bytes each, after an
// all-defined byte or bit vector and an external flag.
func (p *szParser) optional(n uint64, size uint64) {
	defined := n
	if p.byte() == 0 {
		defined = 0
		for _, d := range p.bits(n) {
			if d {
				defined++
			}
		}
	}
	if p.byte() != 0 {
		p.fail(fmt.Errorf("external file properties: %w", errors.ErrUnsupported))
	}
	p.bytes(defined * size)
}

// costly says why decoding folder f is refused, or returns nil: a coder
// outside szOpenable, or one whose dictionary or model (LZMA, LZMA2, PPMd
// properties, 7-Zip DOC/Methods.txt) would exceed szMaxCoderMem.
func costly(f *szFolder) error {
	for i, c := range f.coders {
		if c.id == szAES {
			continue
		}
		if !szOpenable[c.id] {
			return fmt.Errorf("7z coder %x: %w", c.id, errors.ErrUnsupported)
		}
		var mem uint64
		switch {
		case c.id == szLZMA && len(c.props) == 5:
			// ulikunitz/xz shrinks the dictionary to the stream size.
			mem = min(uint64(binary.LittleEndian.Uint32(c.props[1:])), f.unpack[i])
		case c.id == szLZMA2 && len(c.props) == 1 && c.props[0] <= 40:
			mem = uint64(2|c.props[0]&1) << (c.props[0]/2 + 11)
		case c.id == szPPMd && len(c.props) == 5:
			mem = uint64(binary.LittleEndian.Uint32(c.props[1:]))
		}
		if mem > szMaxCoderMem {
			return fmt.Errorf("7z coder %x wants %d bytes: %w", c.id, mem, ErrLimit)
		}
	}
	return nil
}
