package classify

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Validators work on one normalised cell and report whether it has the
// shape of a value of their kind. They are cheap: each rejects most
// non-matching cells on a length or first-byte check before doing work.

// normCell trims what exports add around values: spaces, NBSP, zero-width
// characters, and NationBuilder's leading apostrophe that stops Excel from
// reformatting a value (notes/pii.md §1.3).
func normCell(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff'
	})
	s = strings.TrimPrefix(s, "'")
	return s
}

// emailRe is the WHATWG "valid e-mail address" with at least one dot in the
// domain (notes/pii.md §2.5).
var emailRe = regexp.MustCompile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")

func isEmail(s string) bool {
	if len(s) < 6 || len(s) > 254 || strings.IndexByte(s, '@') < 1 {
		return false
	}
	return emailRe.MatchString(s)
}

// roleLocalParts are mailbox names that belong to an office, not a person.
var roleLocalParts = map[string]bool{
	"info": true, "office": true, "enquiries": true, "enquiry": true, "admin": true,
	"contact": true, "hello": true, "sales": true, "support": true, "mail": true,
	"post": true, "reception": true, "general": true, "accounts": true, "noreply": true,
	"no-reply": true, "team": true, "help": true, "bookings": true, "clerk": true,
	"webmaster": true, "press": true, "media": true, "hr": true, "finance": true,
}

// isRoleEmail reports whether an address is an organisation's mailbox.
func isRoleEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && roleLocalParts[strings.ToLower(s[:at])]
}

// postcodeRe is the strict UK postcode form with letter-position rules
// (Presidio's UkPostcodeRecognizer, notes/pii.md §2.1), anchored whole.
var postcodeRe = regexp.MustCompile(`^(?:GIR ?0AA|[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][0-9]{2} ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]? ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9]{2} ?[0-9][ABD-HJLNP-UW-Z]{2})$`)

func isPostcode(s string) bool {
	if len(s) < 5 || len(s) > 9 {
		return false
	}
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	return postcodeRe.MatchString(s)
}

// trailingPostcode reports whether an address cell ends in a postcode, as
// registers that put the postcode in the last address line do.
func trailingPostcode(s string) bool {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(f) >= 2 && isPostcode(f[len(f)-2]+" "+f[len(f)-1]) {
		return true
	}
	return len(f) >= 1 && isPostcode(f[len(f)-1])
}

// digitsOnly returns the digits of s and whether s holds nothing but digits
// and the separators people type in numbers.
func digitsOnly(s string, seps string) (string, bool) {
	var b [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(b) {
				return "", false
			}
			b[n] = c
			n++
		case strings.IndexByte(seps, c) >= 0:
		default:
			return "", false
		}
	}
	return string(b[:n]), true
}

// isUKPhone checks the Ofcom number ranges a person is reached on:
// mobiles 071-075 and 077-079 (07624 Isle of Man), geographic 01/02 and
// 03 (notes/pii.md §2.4). Spreadsheets drop the leading zero of numbers
// stored as numbers, so a bare 10-digit 7/1/2 number is given it back.
func isUKPhone(s string) bool {
	if len(s) < 9 || len(s) > 22 {
		return false
	}
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	s = strings.Replace(s, "(0)", "", 1)
	d, ok := digitsOnly(s, " -().")
	if !ok {
		return false
	}
	switch {
	case plus && strings.HasPrefix(d, "44"):
		d = "0" + d[2:]
	case strings.HasPrefix(d, "0044"):
		d = "0" + d[4:]
	case plus:
		return false
	case len(d) == 10 && (d[0] == '7' || d[0] == '1' || d[0] == '2'):
		d = "0" + d
	}
	switch {
	case len(d) == 11 && strings.HasPrefix(d, "07"):
		return d[2] != '0' && d[2] != '6' || strings.HasPrefix(d, "07624")
	case strings.HasPrefix(d, "01"):
		return len(d) == 10 || len(d) == 11
	case strings.HasPrefix(d, "02"), strings.HasPrefix(d, "03"):
		return len(d) == 11
	}
	return false
}

// isNINO checks a National Insurance number: two prefix letters with the
// HMRC exclusions, six digits, an optional A-D suffix (HMRC NIM39110).
func isNINO(s string) bool {
	if len(s) < 8 || len(s) > 13 {
		return false
	}
	var b [9]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '-' {
			continue
		}
		if n == len(b) {
			return false
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[n] = c
		n++
	}
	if n != 8 && n != 9 {
		return false
	}
	p1, p2 := b[0], b[1]
	if p1 < 'A' || p1 > 'Z' || p2 < 'A' || p2 > 'Z' ||
		strings.IndexByte("DFIQUV", p1) >= 0 || strings.IndexByte("DFIQUVO", p2) >= 0 {
		return false
	}
	switch string(b[:2]) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	for _, c := range b[2:8] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return n == 8 || (b[8] >= 'A' && b[8] <= 'D')
}

// isNHSNumber checks the mod-11 check digit of a 10-digit NHS number. A
// random 10-digit string passes 9% of the time, so the NHS kind is only
// ever taken with a header (notes/pii.md §2.3).
func isNHSNumber(s string) bool {
	d, ok := digitsOnly(s, " -")
	if !ok || len(d) != 10 {
		return false
	}
	sum := 0
	for i := range 9 {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(d[9]-'0')
}

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

// parseDate reads the date forms UK exports use: dd/mm/yyyy, d/m/yy,
// dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd (with an optional time), dd-Mon-yyyy
// and "d Month yyyy". Day-first is the UK reading.
func parseDate(s string) (time.Time, bool) {
	if len(s) < 6 || len(s) > 32 {
		return time.Time{}, false
	}
	if i := strings.IndexAny(s, "T "); i == 10 {
		s = s[:10] // ISO date with a time part
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == ' ' || r == ',' })
	if len(parts) != 3 {
		return time.Time{}, false
	}
	num := func(p string) int {
		if len(p) == 0 || len(p) > 4 {
			return -1
		}
		v := 0
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return -1
			}
			v = v*10 + int(p[i]-'0')
		}
		return v
	}
	var d, m, y int
	if len(parts[0]) == 4 {
		y, m, d = num(parts[0]), num(parts[1]), num(parts[2])
	} else {
		d, y = num(parts[0]), num(parts[2])
		if mn, ok := monthNames[strings.ToLower(parts[1])]; ok {
			m = int(mn)
		} else {
			m = num(parts[1])
		}
		switch {
		case len(parts[2]) == 2 && y >= 0:
			y += 1900 // two-digit years in a birth-date column are last century's
		case len(parts[2]) != 4:
			return time.Time{}, false
		}
	}
	if d < 1 || d > 31 || m < 1 || m > 12 || y < 1800 || y > 2200 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // 31 February
	}
	return t, true
}

// isBirthDate reports whether s is a date that makes its holder between 14
// (attainers are on registers from 14) and 110 years old at now. With no now,
// only the calendar is checked.
func isBirthDate(s string, now time.Time) bool {
	t, ok := parseDate(s)
	if !ok {
		return false
	}
	if now.IsZero() {
		return t.Year() >= 1900
	}
	return !t.After(now.AddDate(-14, 0, 0)) && t.After(now.AddDate(-110, 0, 0))
}

// placeWords are words that make a "name" the name of a place or an
// organisation rather than a person.
var placeWords = toSet(`hall church chapel school academy college university centre center club
	association society party trust ltd limited plc llp inc council station library room rooms
	road street avenue lane close drive way court crescent gardens place terrace grove hill
	mews square walk view park house community village ward district borough county city town
	group services service committee office shop store the and of surgery hospital practice
	team branch federation foundation charity cafe pub inn hotel church's institute st saint
	cottage cottages farm lodge stables barn villa manor mill rectory vicarage grange upper lower
	north south east west new old bryn pen ty maes hafod fawr fach isaf uchaf heol stryd ffordd
	lon cwm coed nant plas y yr capel ysgol neuadd`)

func toSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// nameShape reports whether s looks like a person's name (1-5 alphabetic
// words, apostrophes and hyphens allowed, no place words) and whether one of
// its words is a common first name.
func nameShape(s string) (shape, known bool) {
	if len(s) < 2 || len(s) > 60 {
		return false, false
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(words) == 0 || len(words) > 5 {
		return false, false
	}
	letters := 0
	for _, w := range words {
		lw := strings.ToLower(w)
		if placeWords[lw] {
			return false, false
		}
		if firstNames[strings.Trim(lw, ".")] {
			known = true
		}
		for _, r := range w {
			switch {
			case unicode.IsLetter(r):
				letters++
			case r == '\'' || r == '-' || r == '.' || r == '’' || r == '(' || r == ')':
			default:
				return false, false
			}
		}
	}
	if letters < 2 {
		return false, false
	}
	// Registers write SURNAME Forename and people type names in lower case;
	// what a name never is, is a word that starts with something else.
	r, _ := utf8.DecodeRuneInString(words[0])
	return unicode.IsLetter(r), known
}

// streetTypes are the last words of UK street names.
var streetTypes = toSet(`road rd street st avenue ave lane ln close cl drive dr way court ct crescent
	cres gardens gdns place pl terrace tce grove hill mews square sq walk view park parade
	row rise green vale mount walk wynd heol stryd ffordd lon`)

// isAddress reports whether s looks like a street address: it names a
// street, or ends in a postcode.
func isAddress(s string) bool {
	if len(s) < 5 || len(s) > 300 {
		return false
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' }) {
		if streetTypes[strings.Trim(w, ".")] {
			return true
		}
	}
	return trailingPostcode(s)
}

// electorNumber splits an elector number with its polling district inline
// (AB-123, ABC1-12/1, KD-2/2-289/1) into district and number. Without a
// separator the form is too close to postcode districts and product codes to
// accept from content alone (notes/pii.md §2.7).
func electorNumber(s string) (pd string, n int, ok bool) {
	i := strings.LastIndexByte(s, '-')
	if i < 1 || i > 10 {
		return "", 0, false
	}
	pd, rest := s[:i], s[i+1:]
	if j := strings.IndexAny(rest, "/."); j >= 0 {
		if !allDigits(rest[j+1:], 1, 3) {
			return "", 0, false
		}
		rest = rest[:j]
	}
	if !allDigits(rest, 1, 5) {
		return "", 0, false
	}
	letters := 0
	for letters < len(pd) && pd[letters] >= 'A' && pd[letters] <= 'Z' {
		letters++
	}
	if letters < 1 || letters > 4 {
		return "", 0, false
	}
	for k := letters; k < len(pd); k++ {
		if c := pd[k]; !(c >= '0' && c <= '9' || c == '/' || c == '-') {
			return "", 0, false
		}
	}
	for k := 0; k < len(rest); k++ {
		n = n*10 + int(rest[k]-'0')
	}
	return pd, n, true
}

// isPollNumber checks a bare elector number as it stands beside a polling
// district column: 123, 123/1, 12.1.
func isPollNumber(s string) bool {
	if j := strings.IndexAny(s, "/."); j >= 0 {
		return allDigits(s[:j], 1, 5) && allDigits(s[j+1:], 1, 3)
	}
	return allDigits(s, 1, 5)
}

// isPollingDistrict checks a polling-district code: 1-4 letters, up to 2 digits.
func isPollingDistrict(s string) bool {
	letters := 0
	for letters < len(s) && unicode.IsUpper(rune(s[letters])) && s[letters] < 0x80 {
		letters++
	}
	return letters >= 1 && letters <= 4 && allDigits(s[letters:], 0, 2)
}

func allDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isRecordID reports whether s looks like a record identifier (VAN ID,
// membership number): short, one token, letters, digits and a few marks.
func isRecordID(s string) bool {
	if len(s) == 0 || len(s) > 24 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '-', c == '/', c == '_', c == '.':
		default:
			return false
		}
	}
	return digits > 0
}
