package classify

import (
	"golang.org/x/text/encoding"
)

// TextLayout says how a delimited text file is written, as Classify reads
// it: the encoding that turns its bytes into text and the separator between
// its cells. It lets a caller that must read every cell of the file read
// it the same way.
type TextLayout struct {
	// Encoding is "utf-8", "utf-16le", "utf-16be" or "windows-1252".
	Encoding string
	// BOM is the number of bytes of byte-order mark at the start.
	BOM int
	// Codec decodes the bytes after the BOM; nil means UTF-8.
	Codec encoding.Encoding
	// Text reports whether the bytes are text at all: a file with the
	// control characters no export has is binary.
	Text bool
	// Delimiter is one of , TAB ; | or 0 when the text is not a table.
	Delimiter rune
}

// sniffWindow is how much of the text SniffText reads to choose the
// separator, as Classify does for one sample window.
const sniffWindow = 256 << 10

// SniffText tells how b, a text file read from its start, is written. The
// encoding is judged on all of b (so pass the whole file to be sure that
// every byte of it is valid UTF-8 before trusting "utf-8"); the separator
// is judged on the first records, as Classify does.
func SniffText(b []byte) TextLayout {
	enc := sniffEncoding(b)
	l := TextLayout{Encoding: enc.name, BOM: enc.bom, Codec: enc.codec}
	head := b[enc.bom:]
	cut := len(head) > sniffWindow
	if cut {
		head = head[:sniffWindow&^int(enc.unit-1)]
	}
	text := enc.decode(head)
	if binaryText(text) {
		return l
	}
	l.Text = true
	l.Delimiter = sniffDelimiter(wholeLines(text, false, cut))
	return l
}
