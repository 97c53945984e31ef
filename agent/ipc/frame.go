package ipc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
)

// errTooLong ends a connection whose peer sent a line past the limit.
var errTooLong = errors.New("message too long")

// readLine returns the next line, newline included, holding at most limit
// bytes for it. It judges the length after every read, so a line that
// cannot fit fails as soon as it shows, where bufio.Scanner or ReadBytes
// would keep reading.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		if _, err := br.Peek(1); err != nil {
			return line, err
		}
		buf, _ := br.Peek(br.Buffered())
		i := bytes.IndexByte(buf, '\n')
		n, need := i+1, len(line)+i+1
		if i < 0 {
			n, need = len(buf), len(line)+len(buf)+1 // a newline is still to come
		}
		if need > limit {
			return nil, fmt.Errorf("%w: over %d bytes", errTooLong, limit)
		}
		line = append(line, buf[:n]...)
		if _, err := br.Discard(n); err != nil {
			return nil, err
		}
		if i >= 0 {
			return line, nil
		}
	}
}
