package sheets

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// BenchmarkReadXLSX1MB reads a membership-list-like workbook of 10,000 rows
// by 10 columns (about 1 MB zipped), sampling 500 rows, both when the rest
// has to be counted and when <dimension> gives its size.
func BenchmarkReadXLSX1MB(b *testing.B) {
	f := excelize.NewFile()
	firsts := []string{"Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"}
	towns := []string{"Bath", "Leeds", "York", "Hull", "Ely", "Wells"}
	dob := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	require.NoError(b, err)
	require.NoError(b, f.SetSheetRow("Sheet1", "A1", &[]any{"Membership No", "First", "Last", "Email", "Phone", "Postcode", "DOB", "Town", "Joined", "Ward"}))
	rnd := rand.New(rand.NewPCG(1, 2))
	for r := 2; r <= 10_001; r++ {
		last := []byte{byte('A' + rnd.IntN(26))}
		for range 5 + rnd.IntN(5) {
			last = append(last, byte('a'+rnd.IntN(26)))
		}
		first := firsts[rnd.IntN(len(firsts))]
		require.NoError(b, f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &[]any{
			1_000_000 + rnd.IntN(9_000_000), first, last, fmt.Sprintf("%s.%s%d@%s.example.org", first, last, rnd.IntN(1000), last[:3]),
			fmt.Sprintf("07%03d %06d", rnd.IntN(1000), rnd.IntN(1000000)),
			fmt.Sprintf("%c%c%d %d%c%c", 'A'+rnd.IntN(26), 'A'+rnd.IntN(26), rnd.IntN(30), rnd.IntN(10), 'A'+rnd.IntN(26), 'A'+rnd.IntN(26)),
			dob.AddDate(0, 0, rnd.IntN(25000)), towns[rnd.IntN(len(towns))], dob.AddDate(60, 0, rnd.IntN(3000)), fmt.Sprintf("E05%06d", rnd.IntN(1000000)),
		}))
	}
	require.NoError(b, f.SetColStyle("Sheet1", "G", date))
	require.NoError(b, f.SetColStyle("Sheet1", "I", date))
	counted := saveExcelize(b, f)
	// Excel keeps <dimension> up to date; excelize leaves it at A1 unless
	// told, so that sheets have to be counted.
	f, err = excelize.OpenReader(bytes.NewReader(counted))
	require.NoError(b, err)
	require.NoError(b, f.SetSheetDimension("Sheet1", "A1:J10001"))
	sized := saveExcelize(b, f)
	lim := limits(func(l *Limits) { l.MaxRows = 500 })

	for _, bb := range []struct {
		name string
		data []byte
	}{{"counted", counted}, {"dimension", sized}} {
		b.Run(bb.name, func(b *testing.B) {
			b.Logf("workbook: %d bytes", len(bb.data))
			b.SetBytes(int64(len(bb.data)))
			b.ReportAllocs()
			for b.Loop() {
				sheets, err := ReadXLSX(b.Context(), openZip(b, bb.data), lim)
				if err != nil || len(sheets[0].Rows) != 500 || sheets[0].TotalRows != 10_001 {
					b.Fatalf("read %d rows of %d: %v", len(sheets[0].Rows), sheets[0].TotalRows, err)
				}
			}
		})
	}
}
