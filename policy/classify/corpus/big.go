package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// BigName is the file name the gencorpus command gives WriteMembers' output.
const BigName = "members_full_export.csv"

// WriteMembers streams a membership roster CSV of at least size bytes to w
// for benchmarks, and returns how many people it holds. Rows are made and
// written one at a time, so memory stays flat whatever the size.
func WriteMembers(w io.Writer, size, seed int64) (int, error) {
	f := newFaker(uint64(seed), 1<<62)
	bw := bufio.NewWriterSize(w, 64<<10)
	var line bytes.Buffer
	written, people := int64(0), 0
	emit := func(cells []string) error {
		line.Reset()
		writeRecord(&line, cells, csvFmt)
		written += int64(line.Len())
		_, err := bw.Write(line.Bytes())
		return err
	}
	if err := emit(rosterHeader); err != nil {
		return 0, fmt.Errorf("writing members: %w", err)
	}
	cols, t := newRosterCols(f, false), table{}
	cells := make([]string, len(rosterHeader))
	for written < size {
		for i, v := range cols.row(f, f.person()) {
			cells[i] = t.cellText(v)
		}
		if err := emit(cells); err != nil {
			return people, fmt.Errorf("writing members: %w", err)
		}
		people++
	}
	if err := bw.Flush(); err != nil {
		return people, fmt.Errorf("writing members: %w", err)
	}
	return people, nil
}
