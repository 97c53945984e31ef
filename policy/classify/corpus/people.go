package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The export kinds in this file hold records about people. Headers are the
// verbatim ones of pii.md §1 where a public source shows them, and a
// plausible guess where none exists (Lighthouse, Connect).

// kind makes a table of n records.
type kind func(f *faker, n int) table

func age(dob time.Time) int {
	a := refDate.Year() - dob.Year()
	if refDate.YearDay() < dob.YearDay() {
		a--
	}
	return a
}

// maybe returns s with probability p, else "": optional columns are
// sparsely filled in real exports.
func (f *faker) maybe(p float64, s string) string {
	if f.chance(p) {
		return s
	}
	return ""
}

func (f *faker) people(n int) []person {
	out := make([]person, n)
	for i := range out {
		out[i] = f.person()
	}
	return out
}

// accent gives one person in every register a name with an accent so the
// windows-1252 and UTF-16 files carry a byte that is not ASCII.
func accent(es []elector) {
	if len(es) > 3 {
		es[3].first = "Renée"
	}
}

func vanPerson(f *faker, n int) table {
	t := table{header: []string{"Voter File VANID", "LastName", "FirstName", "MiddleName", "Suffix", "Sex", "Age",
		"Address", "City", "State", "Zip5", "Zip4", "PreferredEmail", "Pref Phone ", "Cell Phone",
		"PrecinctName", "CountyName", "DateReg"}}
	style := f.r.IntN(5)
	ward := f.pick(wardNames)
	for _, p := range f.people(n) {
		t.rows = append(t.rows, []any{f.vanID(), p.last, p.first, p.middle, "", p.sex, age(p.dob),
			p.addr.line1(), p.addr.town, p.addr.county, p.addr.postcode, "", f.maybe(0.7, p.email),
			phoneStyle(p.landline, style), f.maybe(0.8, phoneStyle(p.mobile, style)),
			ward, p.addr.county, f.date(8000)})
	}
	return t
}

func connectPerson(f *faker, n int) table {
	t := table{header: []string{"VANID", "PD", "PN", "Ward", "Title", "FirstName", "LastName", "Address1", "Address2",
		"Town", "Postcode", "PostalVoter?", "Preferred Phone", "PreferredEmail"}}
	es := f.register(f.pdPrefix(), n)
	accent(es)
	ward := f.pick(wardNames)
	for _, e := range es {
		pn := strconv.Itoa(e.no)
		if e.sfx > 0 {
			pn += "/" + strconv.Itoa(e.sfx)
		}
		t.rows = append(t.rows, []any{f.vanID(), e.pd, pn, ward, e.title, e.first, e.last, e.addr.line1(),
			e.addr.locality, e.addr.town, e.addr.postcode, f.maybe(0.2, "Y"),
			f.maybe(0.4, phoneStyle(e.mobile, 1)), f.maybe(0.3, e.email)})
	}
	return t
}

// connectMarked is the marked-register export: only VAN IDs and poll
// numbers, which still single out every voter.
func connectMarked(f *faker, n int) table {
	t := table{header: []string{"VANID", "PD", "PN", "Voted", "Election"}}
	for _, e := range f.register(f.pdPrefix(), n) {
		t.rows = append(t.rows, []any{f.vanID(), e.pd, e.no, f.pick([]string{"Y", "Y", "P", ""}), "Local 2026"})
	}
	return t
}

var volunteers = []string{"J. Marsh", "A. Okafor", "D. ap Rhys", "S. Patel", "Web Team", "HQ Bulk"}

func contactHistory(f *faker, n int) table {
	t := table{header: []string{"Voter File VANID", "Contact Name", "Date Canvassed", "Result", "Contact Type",
		"Canvassed By", "Created By", "Date Created", "Input Type Name"}, people: n}
	for _, p := range f.people(n) {
		id := f.vanID()
		for range f.pick([]string{"1", "1", "1", "2", "3"})[0] - '0' {
			d := f.date(400)
			t.rows = append(t.rows, []any{id, p.last + ", " + p.first, d, f.pick(canvassResults),
				f.pick([]string{"Walk", "Walk", "Phone", "MiniVAN Walk", "Leaflet"}), f.pick(volunteers),
				f.pick(volunteers), d.AddDate(0, 0, f.r.IntN(5)), f.pick([]string{"MiniVAN", "Bulk Upload", "Grid"})})
		}
	}
	return t
}

func surveyResponse(f *faker, n int) table {
	t := table{header: []string{"Voter File VANID", "Contact Name", "Date Canvassed", "Survey Response",
		"Survey Question Name", "Survey Question Type", "Canvassed By", "Contact Type"}}
	for _, p := range f.people(n) {
		q := f.pick([]string{"GE Voting Intention", "Local Voting Intention", "Squeeze 1-5"})
		t.rows = append(t.rows, []any{f.vanID(), p.first + " " + p.last, f.date(200), f.pick(partyCodes), q,
			f.pick([]string{"Candidate", "Opinion"}), f.pick(volunteers), f.pick([]string{"Walk", "Phone"})})
	}
	return t
}

// vanNotes has free-text notes with commas and line breaks, so its CSV has
// quoted multi-line fields.
func vanNotes(f *faker, n int) table {
	t := table{header: []string{"Voter File VANID", "NoteCategory", "NoteTags", "DateEntered", "ContactName", "NoteText", "EnteredBy"}}
	for _, p := range f.people(n) {
		note := f.pick(canvassComments)
		if note == "" || f.chance(0.4) {
			note = fmt.Sprintf("Spoke on doorstep, worried about %s.\nAsked for a call back from the councillor, %s.", f.pick(canvassIssues), f.pick(canvassIssues))
		}
		t.rows = append(t.rows, []any{f.vanID(), f.pick([]string{"Casework", "Canvass", "General"}),
			f.pick([]string{"", "follow-up", "casework; urgent"}), f.date(300), p.first + " " + p.last, note, f.pick(volunteers)})
	}
	return t
}

func xpress14(f *faker, n int) table {
	t := table{header: []string{"Elector Number Prefix", "Elector Number", "Elector Number Suffix", "Elector Markers",
		"Elector DOB", "Elector Surname", "Elector Forename", "PostCode",
		"Address1", "Address2", "Address3", "Address4", "Address5", "Address6"}}
	es := f.register(f.pdPrefix(), n)
	accent(es)
	for _, e := range es {
		row := []any{e.pd, e.no, e.sfx, e.markers, attainDOB(e), e.last, joinNames(e.first, e.middle), e.addr.postcode}
		for _, l := range e.addr.pad(6) {
			row = append(row, l)
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// attainDate is an attainer's date of attainment, their 18th birthday.
func attainDate(e elector) any {
	if e.attain.IsZero() {
		return ""
	}
	return e.attain
}

// attainDOB is an attainer's date of birth, which Xpress prints instead.
func attainDOB(e elector) any {
	if e.attain.IsZero() {
		return ""
	}
	return e.attain.AddDate(-18, 0, 0)
}

func joinNames(s ...string) string {
	return strings.Join(strings.Fields(strings.Join(s, " ")), " ")
}

// xpress13 has a single "Elector Name" field: surname first, then forenames.
func xpress13(f *faker, n int) table {
	t := xpress14(f, n)
	t.header = append(append(t.header[:5:5], "Elector Name"), t.header[7:]...)
	for i, r := range t.rows {
		t.rows[i] = append(append(r[:5:5], t.cellText(r[5])+" "+t.cellText(r[6])), r[7:]...)
	}
	return t
}

// xpressCampaign is the variant campaign tools use: an Elector ID, no
// suffix, forename before surname.
func xpressCampaign(f *faker, n int) table {
	t := table{header: []string{"Elector ID", "Elector Number Prefix", "Elector Number", "Elector Markers",
		"Forename", "Surname", "Address1", "Address2", "Address3", "Address4", "PostCode"}}
	id := 40000 + f.r.IntN(50000)
	for _, e := range f.register(f.pdPrefix(), n) {
		id += 1 + f.r.IntN(3)
		row := []any{id, e.pd, e.no, e.markers, e.first, e.last}
		for _, l := range e.addr.pad(4) {
			row = append(row, l)
		}
		t.rows = append(t.rows, append(row, e.addr.postcode))
	}
	return t
}

func xpressUpdate(f *faker, n int) table {
	t := table{header: []string{"CompanyName", "CompanyOPCSRef", "DistrictRef", "StreetName",
		"PropertyAddress1", "PropertyAddress2", "PropertyAddress3", "PropertyAddress4", "PropertyAddress5",
		"PropertyPostCode", "PropertyAddressPrefix", "PropertyAddressNumber", "ElectorNumber", "ElectorForename",
		"ElectorSurname", "ElectorDOB", "ElectorCreatedMonth", "ElectorChangedMonth", "ElectorDeletedMonth",
		"MarkersRegisterText", "RecordCount", "RecordTotal", "CurrentRegisterMonth"}}
	es := f.register(f.pdPrefix(), n)
	accent(es)
	for i, e := range es {
		created, changed, deleted := "", "", ""
		switch f.r.IntN(3) {
		case 0:
			created = "2026-03"
		case 1:
			changed = "2026-03"
		default:
			deleted = "2026-03"
		}
		row := []any{"Ceredigion County Council", "W06000008", e.pd, e.addr.street}
		for _, l := range e.addr.pad(5) {
			row = append(row, l)
		}
		t.rows = append(t.rows, append(row, e.addr.postcode, e.addr.flat, e.addr.house, e.number(), e.first,
			e.last, attainDOB(e), created, changed, deleted, e.markers, i+1, n, "2026-03"))
	}
	return t
}

// halarosePP50 is EROS's pp50 layout; a "(z) " surname marks an elector who
// opted out of the edited register.
func halarosePP50(f *faker, n int) table {
	t := table{header: []string{"PD", "ENO", "Status", "Title", "First Names", "Initials", "Surname", "Suffix",
		"Date of Attainment", "Franchise Flag", "Address 1", "Address 2", "Address 3", "Address 4", "Address 5",
		"Address 6", "Address 7", "Address 8", "Address 9", "Postcode", "Opt Out"}}
	es := f.register(f.pdPrefix(), n)
	accent(es)
	for _, e := range es {
		last, opt := e.last, ""
		if f.chance(0.3) {
			last, opt = "(z) "+last, "Y"
		}
		names := joinNames(e.first, e.middle)
		var initials []string
		for _, w := range strings.Fields(names) {
			initials = append(initials, string([]rune(w)[:1]))
		}
		sfx := ""
		if e.sfx > 0 {
			sfx = strconv.Itoa(e.sfx)
		}
		row := []any{e.pd, e.no, f.pick([]string{"", "", "", "A", "M"}), e.title, names, strings.Join(initials, " "),
			last, sfx, attainDate(e), e.markers}
		for _, l := range e.addr.pad(9) {
			row = append(row, l)
		}
		t.rows = append(t.rows, append(row, e.addr.postcode, opt))
	}
	return t
}

// councilRegister has RollNo with a decimal suffix (12.1) and UPRNs.
func councilRegister(f *faker, n int) table {
	t := table{header: []string{"PDCode", "RollNo", "ElectorSurname", "ElectorForename", "ElectorMiddleName",
		"DateOfAttainment", "FranchiseMarker", "RegisteredAddress1", "RegisteredAddress2", "RegisteredAddress3",
		"RegisteredAddress4", "RegisteredAddress5", "RegisteredAddress6", "PostCode", "UPRN", "SubHouse",
		"ElectorID", "Euro", "Parl", "Ward", "MethodOfVerification"}}
	id := int64(700000 + f.r.IntN(100000))
	ward := f.pick(wardNames)
	for _, e := range f.register(f.pdPrefix(), n) {
		roll := strconv.Itoa(e.no)
		if e.sfx > 0 {
			roll += "." + strconv.Itoa(e.sfx)
		}
		id += int64(1 + f.r.IntN(9))
		row := []any{e.pd, roll, e.last, e.first, e.middle, attainDate(e), e.markers}
		for _, l := range e.addr.pad(6) {
			row = append(row, l)
		}
		eu := "N"
		if e.markers == "G" || e.markers == "K" {
			eu = "Y"
		}
		t.rows = append(t.rows, append(row, e.addr.postcode, e.uprn, e.addr.flat, id, eu, "Y", ward,
			f.pick([]string{"DWP", "DWP", "LOCAL", "ATTEST", "DOCS"})))
	}
	return t
}

func nfiRegister(f *faker, n int) table {
	t := table{header: []string{"Electoral Register reference number", "UPRN", "Title", "Surname", "Forename",
		"Middle name or middle initial", "Address 1", "Address 2", "Address 3", "Address 4", "Postcode", "Date of birth"}}
	for _, e := range f.register(f.pdPrefix(), n) {
		var dob any = ""
		if f.chance(0.3) {
			dob = e.dob
		}
		row := []any{e.number(), e.uprn, e.title, e.last, e.first, e.middle}
		for _, l := range e.addr.pad(4) {
			row = append(row, l)
		}
		t.rows = append(t.rows, append(row, e.addr.postcode, dob))
	}
	return t
}

func vOrX(f *faker) string { return f.pick([]string{"v", "v", "x", ""}) }

// walkSheet is a register copy enriched by a campaign: canvass codes,
// voting history and comments (special category data), printed with title
// rows above the header.
func walkSheet(f *faker, n int) table {
	pd := f.pdPrefix()
	t := table{
		title: [][]string{{"Ward 3 walk sheet – printed 12/03/2026"}, {"Polling district " + pd + " – round 2, evenings"}},
		header: []string{"Elector Number Prefix", "Elector Number", "Elector Number Suffix", "Elector Markers",
			"Elector Surname", "Elector Forename", "Address1", "Address2", "PostCode", "Month first seen on roll",
			"Ward walk ref", "GE24", "PostalVoter?", "P/PB", "DNK", "New", "Party", "1-5", "Comments"},
	}
	es := f.register(pd, n)
	accent(es)
	for _, e := range es {
		comment := f.pick(canvassComments)
		if f.chance(0.08) {
			comment = "Side gate, dog.\nPrefers email, not phone"
		}
		t.rows = append(t.rows, []any{e.pd, e.no, e.sfx, e.markers, e.last, e.first, e.addr.line1(), e.addr.town,
			e.addr.postcode, f.maybe(0.15, f.date(900).Format("Jan 2006")), fmt.Sprintf("%s/%02d", pd, 1+e.no/40),
			vOrX(f), f.maybe(0.2, "Y"), f.maybe(0.1, "PB"), f.maybe(0.03, "DNK"), f.maybe(0.05, "New"),
			f.maybe(0.6, f.pick(partyCodes)), f.maybe(0.5, strconv.Itoa(f.between(1, 5))), comment})
	}
	return t
}

func canvassSheet(f *faker, n int) table {
	t := table{header: []string{"PD", "ENO", "Surname", "First Names", "Address 1", "Address 2", "Postcode",
		"Email Address", "Phone number", "Party", "1-5", "Issues", "Do not knock", "Do not leaflet",
		"Displayed poster", "RAG", "Likelihood to vote (1-10)", "Date last knocked", "GLA 2021", "Local 2022", "Comments"}}
	style := f.r.IntN(5)
	for _, e := range f.register(f.pdPrefix(), n) {
		var knocked any = ""
		if f.chance(0.6) {
			knocked = f.date(120)
		}
		t.rows = append(t.rows, []any{e.pd, e.no, e.last, joinNames(e.first, e.middle), e.addr.line1(), e.addr.town,
			e.addr.postcode, f.maybe(0.35, e.email), f.maybe(0.4, phoneStyle(e.mobile, style)),
			f.maybe(0.7, f.pick(partyCodes)), f.maybe(0.6, strconv.Itoa(f.between(1, 5))),
			f.maybe(0.3, f.pick(canvassIssues)), f.maybe(0.03, "Y"), f.maybe(0.02, "Y"), f.maybe(0.05, "Y"),
			f.pick([]string{"R", "A", "G", ""}), f.maybe(0.5, strconv.Itoa(f.between(1, 10))), knocked,
			vOrX(f), vOrX(f), f.pick(canvassComments)})
	}
	return t
}

func ipv4(f *faker) string {
	return fmt.Sprintf("%d.%d.%d.%d", f.between(2, 223), f.r.IntN(256), f.r.IntN(256), f.between(1, 254))
}

func hexID(f *faker, n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[f.r.IntN(16)]
	}
	return string(b)
}

var mailchimpTail = []string{"MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE",
	"LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS"}

func mailchimp(f *faker, n int) table {
	t := table{header: append([]string{"Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday"}, mailchimpTail...)}
	const stamp = "2006-01-02 15:04:05"
	leid := int64(100000000 + f.r.IntN(800000000))
	for _, p := range f.people(n) {
		in := f.date(2000).Add(time.Duration(f.r.IntN(86400)) * time.Second)
		addr := ""
		if f.chance(0.5) {
			addr = p.addr.line1() + "  " + p.addr.town + "  " + p.addr.county + "  " + p.addr.postcode + "  GB"
		}
		bday := ""
		if f.chance(0.3) {
			bday = p.dob.Format("01/02")
		}
		tags := f.pick([]string{"", `"Member"`, `"Member","Deliverer"`, `"Supporter"`, `"Newsletter"`})
		leid += int64(1 + f.r.IntN(5000))
		t.rows = append(t.rows, []any{p.email, p.first, p.last, addr, f.maybe(0.3, phoneStyle(p.mobile, 0)), bday,
			f.between(1, 5), in.Format(stamp), ipv4(f), in.Add(3 * time.Minute).Format(stamp), ipv4(f),
			"", "", "0", "1", "Europe/London", "GB", f.pick([]string{"WLS", "ENG", "SCT"}),
			in.AddDate(0, f.r.IntN(12), 0).Format(stamp), leid, hexID(f, 10), "", tags})
	}
	return t
}

func mailchimpUnsub(f *faker, n int) table {
	t := mailchimp(f, n)
	t.header = append(t.header, "UNSUB_TIME", "UNSUB_CAMPAIGN_TITLE", "UNSUB_CAMPAIGN_ID", "UNSUB_REASON", "UNSUB_REASON_OTHER")
	for i := range t.rows {
		t.rows[i] = append(t.rows[i], f.date(200).Format("2006-01-02 15:04:05"), "Focus e-news March",
			hexID(f, 10), f.pick([]string{"NORMAL", "SPAM", "NORMAL"}), "")
	}
	return t
}

// nationBuilder prefixes values that Excel would mangle with an apostrophe.
func nationBuilder(f *faker, n int) table {
	t := table{header: []string{"nationbuilder_id", "prefix", "first_name", "middle_name", "last_name", "suffix",
		"email", "email_opt_in", "phone_number", "mobile_number", "mobile_opt_in", "do_not_call",
		"primary_address1", "primary_address2", "primary_city", "primary_state", "primary_zip",
		"primary_country_code", "tag_list", "is_volunteer", "born_at", "sex", "note"}}
	id := 1000 + f.r.IntN(5000)
	for _, p := range f.people(n) {
		id += 1 + f.r.IntN(20)
		land := ""
		if p.landline != "" {
			land = "'" + p.landline
		}
		t.rows = append(t.rows, []any{id, p.title, p.first, p.middle, p.last, "", p.email,
			f.pick([]string{"true", "false"}), land, "'" + p.mobile, f.pick([]string{"true", "false"}),
			f.pick([]string{"false", "false", "true"}), p.addr.line1(), p.addr.locality, p.addr.town,
			p.addr.county, p.addr.postcode, "GB", f.pick([]string{"", "member", "member, deliverer", "donor", "volunteer, phonebank"}),
			f.pick([]string{"false", "true"}), "'" + p.dob.Format("2006-01-02"), p.sex, ""})
	}
	return t
}

var rosterHeader = []string{"Membership Number", "Title", "First Name", "Last Name", "Address Line 1",
	"Address Line 2", "Town", "Postcode", "Email", "Home Phone", "Mobile", "Date of Birth", "Join Date",
	"Renewal Date", "Status", "Local Party", "Payment Method"}

// roster is a Lighthouse-like membership list. No public schema exists;
// the columns are those any membership system has (pii.md §1.5).
func roster(f *faker, n int) table { return rosterOf(f, n, false) }

// rosterExcel stores phones as numbers, which lost their leading zero on
// the way through Excel.
func rosterExcel(f *faker, n int) table { return rosterOf(f, n, true) }

func rosterOf(f *faker, n int, numeric bool) table {
	t := table{header: rosterHeader}
	c := newRosterCols(f, numeric)
	for _, p := range f.people(n) {
		t.rows = append(t.rows, c.row(f, p))
	}
	return t
}

// rosterCols holds what stays the same down a roster: one local party, one
// way of writing phones.
type rosterCols struct {
	style   int
	party   string
	numeric bool
}

func newRosterCols(f *faker, numeric bool) rosterCols {
	return rosterCols{style: f.r.IntN(5), numeric: numeric,
		party: f.pick([]string{"Ceredigion", "Cardiff Central", "Bristol West", "Oxford West & Abingdon", "North East Fife"})}
}

func (c rosterCols) row(f *faker, p person) []any {
	var home, mob any = phoneStyle(p.landline, c.style), phoneStyle(p.mobile, c.style)
	if c.numeric {
		home, mob = phoneNumber(p.landline), phoneNumber(p.mobile)
	}
	return []any{f.memberNo(), p.title, p.first, p.last, p.addr.line1(), p.addr.locality,
		p.addr.town, p.addr.postcode, p.email, home, mob, p.dob, f.date(9000),
		refDate.AddDate(0, f.between(-6, 11), 0), f.pick([]string{"Current", "Current", "Current", "Lapsed", "Grace", "Supporter"}),
		c.party, f.pick([]string{"Direct Debit", "Direct Debit", "Card", "Cheque"})}
}

// phoneNumber is a phone as Excel stores a typed number: the leading zero
// gone. An empty phone stays empty.
func phoneNumber(d string) any {
	if d == "" {
		return ""
	}
	v, err := strconv.ParseInt(d, 10, 64)
	if err != nil {
		return d
	}
	return v
}

func signup(f *faker, n int) table {
	t := table{header: []string{"Full name", "Email address", "Postcode", "Attending", "Dietary requirements", "Keep me updated?"}}
	for _, p := range f.people(n) {
		t.rows = append(t.rows, []any{p.name(), p.email, p.addr.postcode, f.pick([]string{"Yes", "Yes", "Maybe"}),
			f.pick([]string{"", "", "Vegetarian", "Vegan", "Gluten free", "Halal"}), f.pick([]string{"Yes", "No"})})
	}
	return t
}

func donations(f *faker, n int) table {
	t := table{header: []string{"Donor name", "Postcode", "Amount", "Date received", "Gift type", "Reportable?"}}
	for _, p := range f.people(n) {
		amts := []money{5, 10, 10, 20, 25, 50, 100, 250, 500, 1000, 12.5}
		amt := amts[f.r.IntN(len(amts))]
		rep := ""
		if amt >= 500 {
			rep = "Yes"
		}
		t.rows = append(t.rows, []any{p.title + " " + p.name(), p.addr.postcode, amt, f.date(365),
			f.pick([]string{"One-off", "Monthly", "Raffle", "Fighting fund"}), rep})
	}
	return t
}

// welshMembers has Welsh headers and UTF-8 text, including ŵ.
func welshMembers(f *faker, n int) table {
	t := table{header: []string{"Rhif aelodaeth", "Enw cyntaf", "Cyfenw", "Cyfeiriad", "Cod post", "E-bost", "Rhif ffôn", "Dyddiad geni"}}
	for i, p := range f.people(n) {
		if i == 1 {
			p.addr.street = "Heol y Dŵr"
		}
		t.rows = append(t.rows, []any{f.memberNo(), p.first, p.last, strings.Join(p.addr.lines(), ", "), p.addr.postcode,
			p.email, phoneStyle(p.mobile, 1), p.dob})
	}
	return t
}

func headerlessContacts(f *faker, n int) table {
	var t table
	style := f.r.IntN(5)
	for _, p := range f.people(n) {
		t.rows = append(t.rows, []any{p.name(), p.email, phoneStyle(p.mobile, style), p.addr.postcode})
	}
	return t
}

func headerlessRegister(f *faker, n int) table {
	var t table
	es := f.register(f.pdPrefix(), n)
	accent(es)
	for _, e := range es {
		t.rows = append(t.rows, []any{e.number(), e.last, e.first, e.addr.line1(), e.addr.town, e.addr.postcode})
	}
	return t
}

// multilineContacts keeps each address in one cell over several lines, as
// people paste them into Excel.
func multilineContacts(f *faker, n int) table {
	t := table{header: []string{"Name", "Address", "Postcode", "Email", "Phone"}}
	for _, p := range f.people(n) {
		t.rows = append(t.rows, []any{p.name(), strings.Join(p.addr.lines(), "\n"), p.addr.postcode, p.email, phoneStyle(p.mobile, 1)})
	}
	return t
}

func staffPayroll(f *faker, n int) table {
	t := table{header: []string{"Employee", "NI number", "Date of birth", "Address", "Postcode", "Start date", "Tax code", "Monthly gross"}}
	for _, p := range f.people(n) {
		t.rows = append(t.rows, []any{p.name(), f.nino(), p.dob, p.addr.line1() + ", " + p.addr.town, p.addr.postcode,
			f.date(3000), f.pick([]string{"1257L", "1257L", "BR", "K475"}), money(f.between(900, 3400))})
	}
	return t
}

func accessNeeds(f *faker, n int) table {
	t := table{header: []string{"Attendee", "NHS number", "Date of birth", "Mobile", "Access needs", "Emergency contact"}}
	for _, p := range f.people(n) {
		kin := f.person()
		t.rows = append(t.rows, []any{p.name(), f.nhs(), p.dob, phoneStyle(p.mobile, 1),
			f.pick([]string{"Wheelchair user", "Hearing loop", "Step-free access", "Seat near exit", "Insulin in fridge", "BSL interpreter"}),
			kin.first + " " + kin.last + " " + phoneStyle(kin.mobile, 1)})
	}
	return t
}
