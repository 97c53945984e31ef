package classify

import (
	"fmt"
	"hash/maphash"
	"strings"
	"time"
)

// table is a sample of one sheet or delimited file, as every reader hands
// it to the analysis.
type table struct {
	rows  [][]string // the first rows, header candidates included
	extra [][]string // more data rows sampled further in (middle, tail)
	// total estimates the rows in the whole table, header included;
	// exact reports whether rows holds all of them.
	total int
	exact bool
}

// tableVerdict is what one table says about people.
type tableVerdict struct {
	people   int            // distinct people, estimated for the whole table
	kinds    [numKinds]bool // kinds of column found
	personal bool           // enough kinds, before the MinRecords test
	dataRows int            // data rows in the table (estimated)
}

// maxValues is how many non-empty values of a column are validated: enough
// for a hit rate, few enough to keep a verdict within milliseconds.
const maxValues = 200

// analyse profiles the columns of a table and decides whether its rows are
// records about people: at least one column that identifies a person and at
// least one more that identifies or contacts them.
func analyse(t table, now time.Time) tableVerdict {
	hdr := findHeader(t.rows)
	var header []string
	data := t.rows
	if hdr >= 0 {
		header, data = t.rows[hdr], t.rows[hdr+1:]
	}
	all := make([][]string, 0, len(data)+len(t.extra))
	for _, r := range data {
		if !emptyRow(r) {
			all = append(all, r)
		}
	}
	sampled := len(all)
	all = append(all, t.extra...)
	if len(all) == 0 {
		return tableVerdict{}
	}

	width := len(header)
	for _, r := range all {
		width = max(width, len(r))
	}
	cols := make([]kind, width)
	var v tableVerdict
	for c := range cols {
		h := ""
		if c < len(header) {
			h = header[c]
		}
		cols[c] = columnKind(h, column(all, c), now)
	}
	// A split elector number (PD + number) is one elector number.
	if has(cols, kDistrict) && has(cols, kPollNo) {
		for c, k := range cols {
			if k == kPollNo {
				cols[c] = kElector
			}
		}
	}
	for _, k := range cols {
		v.kinds[k] = true
	}
	// In a list of organisations (a venue or company column and no person's
	// name) the phones and e-mails are the organisations', not people's.
	orgs := v.kinds[kOrg] && !v.kinds[kName]
	identifying := func(k kind) bool {
		return k.identifies() && !(orgs && (k == kEmail || k == kPhone))
	}
	idents, others := 0, 0
	for _, s := range signalOrder {
		switch {
		case !v.kinds[s.k] || s.k == kOpinion:
		case identifying(s.k):
			idents++
		default:
			others++
		}
	}
	v.personal = idents >= 1 && idents+others >= 2

	// People: distinct identifying values per row, from the rows read
	// from the start; extrapolated when the table goes on past them.
	seed := maphash.MakeSeed()
	seen := make(map[uint64]struct{}, sampled)
	for _, r := range all[:sampled] {
		var h maphash.Hash
		h.SetSeed(seed)
		any := false
		for c, k := range cols {
			if c < len(r) && identifying(k) {
				if s := normCell(r[c]); s != "" {
					h.WriteString(s)
					any = true
				}
			}
			h.WriteByte(0)
		}
		if any {
			seen[h.Sum64()] = struct{}{}
		}
	}
	v.people = len(seen)
	v.dataRows = sampled
	if !t.exact && sampled > 0 {
		rest := t.total - hdr - 1
		if rest > sampled {
			v.people = int(int64(v.people) * int64(rest) / int64(sampled))
			v.dataRows = rest
		}
	}
	return v
}

func has(cols []kind, k kind) bool {
	for _, c := range cols {
		if c == k {
			return true
		}
	}
	return false
}

func emptyRow(r []string) bool {
	for _, c := range r {
		if normCell(c) != "" {
			return false
		}
	}
	return true
}

// column returns up to maxValues non-empty, normalised values of column c.
func column(rows [][]string, c int) []string {
	var vals []string
	for _, r := range rows {
		if c < len(r) {
			if s := normCell(r[c]); s != "" {
				vals = append(vals, s)
				if len(vals) == maxValues {
					break
				}
			}
		}
	}
	return vals
}

// findHeader returns the index of the header row among the first rows, or
// -1 for a headerless table. Council files put title rows above the header,
// so the row that best matches the header vocabulary wins.
func findHeader(rows [][]string) int {
	best, bestN := -1, 0
	seen := 0
	for i, r := range rows {
		if emptyRow(r) {
			continue
		}
		if seen++; seen > 10 {
			break
		}
		n, cells := 0, 0
		for _, c := range r {
			if normCell(c) == "" {
				continue
			}
			cells++
			if headerKind(c) != kNone {
				n++
			}
		}
		if n > bestN && (n >= 2 || cells >= 2 && headerLike(r)) {
			best, bestN = i, n
		}
	}
	if best >= 0 {
		return best
	}
	// A first row of short labels that no value validator accepts is a header
	// in a vocabulary we do not know: keep it out of the data.
	for i, r := range rows {
		if emptyRow(r) {
			continue
		}
		if len(r) >= 2 && headerLike(r) && i+1 < len(rows) {
			return i
		}
		break
	}
	return -1
}

// headerLike reports whether every cell of a row is a short label rather
// than a value: no digits-heavy cells, nothing a value validator accepts.
func headerLike(r []string) bool {
	for _, c := range r {
		s := normCell(c)
		if s == "" {
			continue
		}
		digits := 0
		for i := 0; i < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' {
				digits++
			}
		}
		if len(s) > 40 || digits > 2 || strings.IndexByte(s, '@') >= 0 || isPostcode(s) {
			return false
		}
	}
	return true
}

// rate returns the share of vals that ok accepts. It gives up early when
// the first values make a high share impossible to reach.
func rate(vals []string, need float64, ok func(string) bool) float64 {
	if len(vals) == 0 {
		return 0
	}
	hits := 0
	for i, s := range vals {
		if ok(s) {
			hits++
		}
		// Even if every remaining value hit, the share would stay below need.
		if float64(hits+len(vals)-i-1) < need*float64(len(vals)) {
			return float64(hits) / float64(len(vals))
		}
	}
	return float64(hits) / float64(len(vals))
}

// columnKind decides what a column holds, from its header when it has a
// known one (checked against the values, at a lower bar), else from the
// values alone (at a high bar, and never for kinds whose values cannot be
// told apart without a header: NHS numbers, record IDs).
func columnKind(header string, vals []string, now time.Time) kind {
	if len(vals) == 0 {
		return kNone
	}
	isDOB := func(s string) bool { return isBirthDate(s, now) }
	isName := func(s string) bool { ok, _ := nameShape(s); return ok }
	hk := headerKind(header)
	switch hk {
	case kName:
		if rate(vals, 0.5, isName) >= 0.5 {
			return kName
		}
	case kEmail:
		if rate(vals, 0.4, isEmail) >= 0.4 {
			if rate(vals, 0.5, isRoleEmail) >= 0.5 {
				return kOrg
			}
			return kEmail
		}
	case kPhone:
		if rate(vals, 0.3, isUKPhone) >= 0.3 {
			return kPhone
		}
	case kPostcode:
		if rate(vals, 0.35, isPostcode) >= 0.35 {
			return kPostcode
		}
	case kAddress:
		if rate(vals, 0.5, hasLetter) >= 0.5 {
			return kAddress
		}
	case kDOB:
		if rate(vals, 0.5, isDOB) >= 0.5 {
			return kDOB
		}
	case kElector:
		if rate(vals, 0.6, isElectorCell) >= 0.6 {
			return kElector
		}
		if rate(vals, 0.6, isPollNumber) >= 0.6 {
			return kPollNo
		}
	case kDistrict:
		if rate(vals, 0.8, isPollingDistrict) >= 0.8 {
			return kDistrict
		}
	case kMember, kVAN, kPersonID:
		if rate(vals, 0.8, isRecordID) >= 0.8 && distinct(vals) >= 0.5 {
			return hk
		}
	case kNINO:
		if rate(vals, 0.35, isNINO) >= 0.35 {
			return kNINO
		}
	case kNHS:
		if rate(vals, 0.45, isNHSNumber) >= 0.45 {
			return kNHS
		}
	case kOpinion, kOrg:
		return hk
	}
	// From content alone, over distinct values: a list that repeats one
	// place on every row must not pass for many people.
	vals = distinctValues(vals)
	if len(vals) < 5 {
		return kNone
	}
	switch {
	case rate(vals, 0.8, isEmail) >= 0.8:
		if rate(vals, 0.5, isRoleEmail) >= 0.5 {
			return kOrg
		}
		return kEmail
	case rate(vals, 0.7, isUKPhone) >= 0.7:
		return kPhone
	case rate(vals, 0.7, isPostcode) >= 0.7:
		return kPostcode
	case rate(vals, 0.7, isNINO) >= 0.7:
		return kNINO
	case electorSequence(vals) >= 0.6:
		return kElector
	case rate(vals, 0.8, isDOB) >= 0.8:
		return kDOB
	case rate(vals, 0.6, isAddress) >= 0.6:
		return kAddress
	}
	if rate(vals, 0.8, isName) >= 0.8 {
		known := rate(vals, 0.5, func(s string) bool { _, k := nameShape(s); return k })
		if known >= 0.5 {
			return kName
		}
	}
	return kNone
}

func hasLetter(s string) bool {
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f {
			return true
		}
	}
	return false
}

func isElectorCell(s string) bool {
	_, _, ok := electorNumber(s)
	return ok
}

// electorSequence returns the share of elector numbers that continue the
// previous one in the same district (same number for a suffixed addition, or
// one more): registers number electors in sequence, product codes do not.
func electorSequence(vals []string) float64 {
	prevPD, prevN, steps, seq := "", 0, 0, 0
	for _, s := range vals {
		pd, n, ok := electorNumber(s)
		if !ok {
			prevPD = ""
			steps++
			continue
		}
		if prevPD != "" {
			steps++
			if pd == prevPD && (n == prevN || n == prevN+1) {
				seq++
			}
		}
		prevPD, prevN = pd, n
	}
	if steps == 0 {
		return 0
	}
	return float64(seq) / float64(steps)
}

// distinctValues returns vals without repeats, in first-seen order.
func distinctValues(vals []string) []string {
	seen := make(map[string]struct{}, len(vals))
	out := vals[:0:0]
	for _, s := range vals {
		if _, ok := seen[s]; !ok {
			seen[s] = struct{}{}
			out = append(out, s)
		}
	}
	return out
}

// distinct returns the share of distinct values.
func distinct(vals []string) float64 {
	m := make(map[string]struct{}, len(vals))
	for _, s := range vals {
		m[s] = struct{}{}
	}
	return float64(len(m)) / float64(len(vals))
}

// describe renders kinds as JSON signal names and as words for a person.
func describe(kinds [numKinds]bool) (names []string, words string) {
	var w []string
	for _, s := range signalOrder {
		if kinds[s.k] {
			names = append(names, s.name)
			w = append(w, s.text)
		}
	}
	return names, strings.Join(w, ", ")
}

// peopleReason is the reason line of a personal verdict.
func peopleReason(people int, kinds [numKinds]bool) string {
	_, words := describe(kinds)
	unit := "people"
	if people == 1 {
		unit = "person"
	}
	return fmt.Sprintf("%d %s: %s", people, unit, words)
}
