package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// refDate is the day the corpus pretends to be made on. Ages, join dates and
// "printed on" title rows count from it so output never depends on the clock.
var refDate = time.Date(2026, time.March, 12, 0, 0, 0, 0, time.UTC)

// faker makes people, addresses and identifiers from one seeded stream. Its
// counters keep IDs unique and increasing within a file, as exports have them.
type faker struct {
	r      *rand.Rand
	home   place // where most people in one file live: a local party's patch
	van    int64
	member int64
	uprn   int64
}

func newFaker(seed, stream uint64) *faker {
	r := rand.New(rand.NewPCG(seed, stream))
	return &faker{
		r:      r,
		home:   places[r.IntN(len(places))],
		van:    100000000 + r.Int64N(300000000),
		member: 1000000 + r.Int64N(2000000),
		uprn:   10000000000 + r.Int64N(90000000000),
	}
}

func (f *faker) pick(list []string) string { return list[f.r.IntN(len(list))] }

func (f *faker) chance(p float64) bool { return f.r.Float64() < p }

// between returns a number in [lo, hi].
func (f *faker) between(lo, hi int) int { return lo + f.r.IntN(hi-lo+1) }

func (f *faker) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + f.r.IntN(10))
	}
	return string(b)
}

type address struct {
	flat, house, street, locality, town, county, postcode string
}

// line1 is the first address line as registers print it: "Flat 2, 23 High
// Street"; a named house keeps the street on the same line too.
func (a address) line1() string {
	s := a.street
	if a.house != "" {
		if _, err := strconv.Atoi(a.house); err == nil {
			s = a.house + " " + a.street
		} else {
			s = a.house + ", " + a.street
		}
	}
	if a.flat != "" {
		s = a.flat + ", " + s
	}
	return s
}

// lines are the address lines without the postcode, empty ones dropped.
func (a address) lines() []string {
	out := []string{a.line1()}
	for _, s := range []string{a.locality, a.town, a.county} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// pad returns the first n lines, padding with empty strings.
func (a address) pad(n int) []string {
	l := a.lines()
	out := make([]string, n)
	copy(out, l)
	if len(l) > n {
		out[n-1] = strings.Join(l[n-1:], ", ")
	}
	return out
}

type person struct {
	title, first, middle, last, sex string
	addr                            address
	email, mobile, landline         string // phones as bare digits
	dob                             time.Time
}

func (p person) name() string { return p.first + " " + p.last }

// place is usually the file's home patch; some people live elsewhere.
func (f *faker) place() place {
	if f.chance(0.8) {
		return f.home
	}
	return places[f.r.IntN(len(places))]
}

func (f *faker) street() string {
	if f.chance(0.15) {
		return f.pick(welshStreets)
	}
	return f.pick(streetStems) + " " + f.pick(streetTypes)
}

// inwardLetters are the letters allowed in the last two places of a postcode
// (never C, I, K, M, O or V, which look like other characters when written).
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

func (f *faker) postcode(p place) string {
	return p.outs[f.r.IntN(len(p.outs))] + " " + strconv.Itoa(f.r.IntN(10)) +
		string(inwardLetters[f.r.IntN(len(inwardLetters))]) +
		string(inwardLetters[f.r.IntN(len(inwardLetters))])
}

func (f *faker) house() (flat, house string) {
	switch {
	case f.chance(0.08):
		return "", f.pick(houseNames)
	case f.chance(0.12):
		return "Flat " + strconv.Itoa(f.between(1, 12)), strconv.Itoa(f.between(1, 180))
	default:
		return "", strconv.Itoa(f.between(1, 180))
	}
}

func (f *faker) address() address {
	p := f.place()
	a := address{street: f.street(), town: p.town, county: p.county, postcode: f.postcode(p)}
	a.flat, a.house = f.house()
	if f.chance(0.3) {
		a.locality = f.pick(localities)
	}
	return a
}

func (f *faker) person() person {
	a := f.address()
	return f.personAt(a, "", f.placeOf(a.town))
}

func (f *faker) placeOf(town string) place {
	for _, p := range places {
		if p.town == town {
			return p
		}
	}
	return places[0]
}

// personAt makes someone living at a; surname "" picks a new one, so
// households can share one.
func (f *faker) personAt(a address, surname string, p place) person {
	pr := person{addr: a, last: surname, dob: f.dob()}
	if pr.last == "" {
		pr.last = f.pick(surnames)
	}
	if f.chance(0.5) {
		pr.sex, pr.first = "F", f.pick(femaleNames)
		pr.title = f.pick([]string{"Mrs", "Ms", "Miss", "Ms", "Mrs", "Dr"})
	} else {
		pr.sex, pr.first = "M", f.pick(maleNames)
		pr.title = f.pick([]string{"Mr", "Mr", "Mr", "Dr", "Rev"})
	}
	if f.chance(0.03) {
		pr.title = "Mx"
	}
	if f.chance(0.25) {
		pr.middle = f.pick(middleNames)
	}
	pr.email = f.email(pr.first, pr.last)
	pr.mobile = f.mobile()
	if f.chance(0.6) {
		pr.landline = f.landline(p)
	}
	return pr
}

// mobile returns 11 digits on a real mobile range (071–075, 077–079); a few
// fall in Ofcom's drama range 07700 900xxx, as test data often does.
func (f *faker) mobile() string {
	if f.chance(0.1) {
		return "07700900" + f.digits(3)
	}
	return "07" + string("12345789"[f.r.IntN(8)]) + f.digits(8)
}

// landline returns 11 digits: the place's dialling code and a local number
// that does not start with 0 or 1.
func (f *faker) landline(p place) string {
	local := strconv.Itoa(f.between(2, 8)) + f.digits(10-len(p.dial))
	return p.dial + local
}

// phoneStyle writes the digits of a UK number the ways people type them.
func phoneStyle(d string, style int) string {
	if len(d) != 11 {
		return d
	}
	split := 5 // 07xxx and 01xxx codes
	switch {
	case strings.HasPrefix(d, "02"):
		split = 3
	case strings.HasPrefix(d, "01") && (d[3] == '1' || d[2] == '1'):
		split = 4
	}
	switch style % 5 {
	case 0:
		return d
	case 1:
		switch split {
		case 5:
			return d[:5] + " " + d[5:]
		case 4:
			return d[:4] + " " + d[4:7] + " " + d[7:]
		}
		return d[:3] + " " + d[3:7] + " " + d[7:]
	case 2:
		return "+44 " + d[1:split] + " " + d[split:]
	case 3:
		return "(" + d[:split] + ") " + d[split:]
	default:
		return "+44" + d[1:]
	}
}

var foldMap = strings.NewReplacer(
	"é", "e", "è", "e", "ë", "e", "ê", "e", "â", "a", "á", "a", "à", "a", "î", "i", "í", "i",
	"ô", "o", "ó", "o", "û", "u", "ú", "u", "ŵ", "w", "ŷ", "y", "ś", "s", "ç", "c", "ï", "i",
)

// asciiFold lower-cases s and keeps only a-z and 0-9, the way people turn
// their names into mailbox names.
func asciiFold(s string) string {
	s = foldMap.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func (f *faker) email(first, last string) string {
	fn, ln := asciiFold(first), asciiFold(last)
	if fn == "" || ln == "" {
		fn, ln = "member"+fn, "x"+ln // a name with no Latin letters still needs a mailbox
	}
	var local string
	switch f.r.IntN(7) {
	case 0, 1:
		local = fn + "." + ln
	case 2:
		local = fn + ln
	case 3:
		local = fn[:1] + "." + ln
	case 4:
		local = fn + "_" + ln + strconv.Itoa(f.between(1, 99))
	case 5:
		local = ln + fn[:1] + strconv.Itoa(f.between(50, 99))
	default:
		local = fn + strconv.Itoa(f.between(1, 2005))
	}
	return local + "@" + f.pick(emailDomains)
}

// dob returns a birth date for an adult aged 18 to 95 on refDate.
func (f *faker) dob() time.Time {
	return refDate.AddDate(-f.between(18, 95), 0, -f.r.IntN(365))
}

// attainment returns the date a 16- or 17-year-old turns 18, as registers
// print it for attainers.
func (f *faker) attainment() time.Time {
	return refDate.AddDate(0, 0, 1+f.r.IntN(700))
}

// date returns a day within the last n days.
func (f *faker) date(n int) time.Time { return refDate.AddDate(0, 0, -f.r.IntN(n)) }

// ninoFirst and ninoSecond follow HMRC NIM39110: D, F, I, Q, U and V never
// appear, and O never second.
const (
	ninoFirst  = "ABCEGHJKLMNOPRSTWXYZ"
	ninoSecond = "ABCEGHJKLMNPRSTWXYZ"
)

var ninoBanned = []string{"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}

func (f *faker) nino() string {
	for {
		pre := string(ninoFirst[f.r.IntN(len(ninoFirst))]) + string(ninoSecond[f.r.IntN(len(ninoSecond))])
		bad := false
		for _, b := range ninoBanned {
			bad = bad || pre == b
		}
		if !bad {
			d := f.digits(6)
			return fmt.Sprintf("%s %s %s %s %c", pre, d[:2], d[2:4], d[4:], "ABCD"[f.r.IntN(4)])
		}
	}
}

// nhs returns a 10-digit NHS number whose last digit is the mod 11 check,
// redrawing when the check would be 10 (no valid number has it).
func (f *faker) nhs() string {
	for {
		d := strconv.Itoa(f.between(4, 7)) + f.digits(8)
		sum := 0
		for i := range 9 {
			sum += int(d[i]-'0') * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check != 10 {
			d += strconv.Itoa(check)
			return d[:3] + " " + d[3:6] + " " + d[6:]
		}
	}
}

func (f *faker) vanID() int64 {
	f.van += 1 + f.r.Int64N(4000)
	return f.van
}

func (f *faker) memberNo() int64 {
	f.member += 1 + f.r.Int64N(40)
	return f.member
}

func (f *faker) uprnNo() int64 {
	f.uprn += 1 + f.r.Int64N(3)
	return f.uprn
}

// elector is one register entry: elector number = polling district prefix,
// a number running in sequence within the district, and an optional suffix
// for electors added after the register was numbered.
type elector struct {
	person
	pd      string
	no, sfx int
	markers string
	attain  time.Time // zero unless an attainer
	uprn    int64
}

func (e elector) number() string {
	s := e.pd + "-" + strconv.Itoa(e.no)
	if e.sfx > 0 {
		s += "/" + strconv.Itoa(e.sfx)
	}
	return s
}

// pdPrefix returns a polling district code like "AB" or "KD2".
func (f *faker) pdPrefix() string {
	const letters = "ABCDEFGHJKLMNPRSTW"
	s := string(letters[f.r.IntN(len(letters))]) + string(letters[f.r.IntN(len(letters))])
	if f.chance(0.4) {
		s += strconv.Itoa(f.between(1, 4))
	}
	return s
}

// register walks the streets of one town house by house, as the register
// is ordered, with one to four electors per property sharing a surname.
func (f *faker) register(pd string, n int) []elector {
	p := f.place()
	out := make([]elector, 0, n)
	no := f.between(1, 40)
	for len(out) < n {
		street, pc := f.street(), f.postcode(p)
		locality := ""
		if f.chance(0.3) {
			locality = f.pick(localities)
		}
		house := f.between(1, 4)
		for h := 0; h < f.between(3, 25) && len(out) < n; h++ {
			a := address{street: street, locality: locality, town: p.town, county: p.county, postcode: pc}
			a.house = strconv.Itoa(house)
			if f.chance(0.05) {
				a.house = f.pick(houseNames)
			}
			house += f.between(1, 2)
			if f.chance(0.1) {
				pc = f.postcode(p)
			}
			surname, uprn := f.pick(surnames), f.uprnNo()
			for k := f.pick([]string{"1", "1", "2", "2", "2", "3", "4"})[0] - '0'; k > 0 && len(out) < n; k-- {
				last := surname
				if f.chance(0.25) {
					last = ""
				}
				e := elector{person: f.personAt(a, last, p), pd: pd, no: no, uprn: uprn}
				no++
				if len(out) > 0 && f.chance(0.05) {
					e.no, e.sfx = out[len(out)-1].no, out[len(out)-1].sfx+1
					no--
				}
				switch x := f.r.Float64(); {
				case x < 0.04:
					e.attain = f.attainment()
					e.dob = e.attain.AddDate(-18, 0, 0)
				case x < 0.08:
					e.markers = f.pick([]string{"F", "G", "K", "E", "N", "B", "Z", "M"})
				}
				out = append(out, e)
			}
		}
	}
	return out
}
