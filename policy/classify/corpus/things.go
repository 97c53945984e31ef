package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The kinds in this file are hard negatives: tables full of postcodes,
// addresses, codes, dates and money, or a handful of public names, but no
// export of people (pii.md §1.2, §3.4).

var pollingPlaces = []string{
	"St Michael's Church Hall", "Penparcau Community Centre", "Plascrug School", "Llanbadarn Scout Hut",
	"Cathays Library", "Roath Park Pavilion", "Sketty Methodist Church", "Mumbles Lifeboat Room",
	"Kingsdown Sports Centre", "Cotham Parish Rooms", "Portable Unit, Station Road Car Park", "The Old Fire Station",
}

// property is an address with no person: what polling-station lookups list.
type property struct {
	address
	uprn int64
}

func (f *faker) properties(n int) []property {
	var out []property
	for len(out) < n {
		for _, e := range f.register(f.pdPrefix(), n-len(out)) {
			if len(out) == 0 || out[len(out)-1].uprn != e.uprn {
				out = append(out, property{e.addr, e.uprn})
			}
		}
	}
	return out
}

type station struct {
	id    int
	name  string
	lines []string
	post  string
	uprn  int64
}

func (f *faker) stations(k int) []station {
	out := make([]station, k)
	for i := range out {
		a := f.address()
		out[i] = station{id: 100 + i*7 + f.r.IntN(7), name: f.pick(pollingPlaces), lines: a.lines(), post: a.postcode, uprn: f.uprnNo()}
	}
	return out
}

// pollingWebLookup is Xpress's WebLookup: one row per property with its
// polling place.
func pollingWebLookup(f *faker, n int) table {
	t := table{header: []string{"pollingplaceid", "pollingplaceaddress1", "pollingplaceaddress2", "pollingplaceaddress3",
		"pollingplaceaddress4", "pollingplaceaddress5", "pollingplaceaddress6", "pollingplaceaddress7",
		"propertynumber", "streetname", "postcode", "uprn"}}
	st := f.stations(f.between(2, 5))
	for i, p := range f.properties(n) {
		s := st[i*len(st)/n]
		row := []any{s.id, s.name}
		for j := range 6 {
			row = append(row, padAt(append(s.lines, s.post), j))
		}
		t.rows = append(t.rows, append(row, p.house, p.street, p.postcode, p.uprn))
	}
	return t
}

func padAt(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// pollingDC is Xpress's DemocracyClub export.
func pollingDC(f *faker, n int) table {
	t := table{header: []string{"polling_place_id", "polling_place_name", "polling_place_address_1",
		"polling_place_address_2", "polling_place_address_3", "polling_place_address_4", "polling_place_postcode",
		"polling_place_uprn", "addressline1", "addressline2", "addressline3", "addressline4", "addressline5",
		"addressline6", "property_urn"}}
	st := f.stations(f.between(2, 5))
	for i, p := range f.properties(n) {
		s := st[i*len(st)/n]
		row := []any{s.id, s.name, padAt(s.lines, 0), padAt(s.lines, 1), padAt(s.lines, 2), padAt(s.lines, 3), s.post, s.uprn}
		for _, l := range append(p.pad(5), p.postcode) {
			row = append(row, l)
		}
		t.rows = append(t.rows, append(row, p.uprn))
	}
	return t
}

func pollingHalarose(f *faker, n int) table {
	t := table{header: []string{"pollingstationnumber", "pollingstationname", "pollingstationaddress_1",
		"pollingstationaddress_2", "pollingstationaddress_3", "pollingstationaddress_4", "pollingstationpostcode",
		"pollingvenueid", "housename", "housenumber", "substreetname", "streetname", "locality", "town",
		"adminarea", "housepostcode", "uprn"}}
	st := f.stations(f.between(2, 5))
	for i, p := range f.properties(n) {
		s := st[i*len(st)/n]
		name, num := "", p.house
		if _, err := strconv.Atoi(p.house); err != nil {
			name, num = p.house, ""
		}
		t.rows = append(t.rows, []any{s.id, s.name, padAt(s.lines, 0), padAt(s.lines, 1), padAt(s.lines, 2),
			padAt(s.lines, 3), s.post, s.id * 3, name, num, p.flat, p.street, p.locality, p.town, p.county, p.postcode, p.uprn})
	}
	return t
}

// pollingDemocracyCounts lists stations with grid references; unknown
// postcodes carry Democracy Counts' dummy A1 1AA.
func pollingDemocracyCounts(f *faker, n int) table {
	t := table{header: []string{"stationcode", "placename", "add1", "add2", "add3", "add4", "add5", "add6",
		"postcode", "xordinate", "yordinate", "uprn"}}
	for _, s := range f.stations(n) {
		post := s.post
		if f.chance(0.1) {
			post = "A1 1AA"
		}
		row := []any{fmt.Sprintf("S%03d", s.id), s.name}
		for j := range 6 {
			row = append(row, padAt(s.lines, j))
		}
		t.rows = append(t.rows, append(row, post, 258000+f.r.IntN(20000), 280000+f.r.IntN(20000), s.uprn))
	}
	return t
}

// onsLookup is an ONS-style postcode to ward directory.
func onsLookup(f *faker, n int) table {
	t := table{header: []string{"pcds", "dointr", "doterm", "oa21cd", "lsoa21cd", "msoa21cd", "ladcd", "ladnm",
		"wd24cd", "wd24nm", "pcon24cd", "pcon24nm", "lat", "long"}}
	p := f.place()
	for range n {
		lat, long := 52.0+f.r.Float64(), -4.5+f.r.Float64()*3
		t.rows = append(t.rows, []any{f.postcode(p), fmt.Sprintf("19%02d%02d", 80+f.r.IntN(20), 1+f.r.IntN(12)),
			f.maybe(0.05, "202311"), fmt.Sprintf("W00%06d", f.r.IntN(12000)), fmt.Sprintf("W01%06d", f.r.IntN(2000)),
			fmt.Sprintf("W02%06d", f.r.IntN(500)), "W06000008", "Ceredigion", fmt.Sprintf("W05%06d", 1000+f.r.IntN(400)),
			f.pick(wardNames), "W07000112", "Ceredigion Preseli", fmt.Sprintf("%.6f", lat), fmt.Sprintf("%.6f", long)})
	}
	return t
}

var partyNames = []string{
	"Welsh Liberal Democrats", "Welsh Labour / Llafur Cymru", "Plaid Cymru - The Party of Wales",
	"Welsh Conservatives", "Green Party", "Reform UK", "Independent",
}

// electionResults lists about ten candidates with votes: names, but of
// public figures on a published result, not an export of people.
func electionResults(f *faker, _ int) table {
	t := table{header: []string{"Ward", "Candidate", "Description", "Votes", "Elected"}}
	for w := range 3 {
		ward := wardNames[(w*5+f.r.IntN(5))%len(wardNames)]
		votes := f.between(900, 1400)
		for c := range f.between(3, 4) {
			p := f.person()
			won := ""
			if c == 0 {
				won = "Yes"
			}
			t.rows = append(t.rows, []any{ward, strings.ToUpper(p.last) + " " + p.first, partyNames[(c+w)%len(partyNames)], votes, won})
			votes -= f.between(40, 300)
		}
	}
	return t
}

func wardStats(f *faker, n int) table {
	t := table{header: []string{"Ward code", "Ward name", "Electorate", "Ballots cast", "Turnout %", "Postal voters",
		"Households", "Population (2021)", "Area (ha)"}}
	for i := range min(n, len(wardNames)) {
		el := f.between(1500, 6000)
		cast := el * f.between(25, 70) / 100
		t.rows = append(t.rows, []any{fmt.Sprintf("W05%06d", 1200+i), wardNames[i], el, cast,
			float64(cast*1000/el) / 10, el * f.between(10, 30) / 100, el / 2, el * 5 / 4, float64(f.between(80, 9000)) / 10})
	}
	return t
}

// sku is a product code like AB1234: two letters and digits, the same
// shape as a postcode district or a weak "electoral roll number" pattern.
func sku(f *faker) string {
	const letters = "ABCDEFGHJKLMNPRSTW"
	return string(letters[f.r.IntN(len(letters))]) + string(letters[f.r.IntN(len(letters))]) + strconv.Itoa(f.between(1000, 9999))
}

var suppliers = []string{"Prontaprint Aberystwyth", "Election Leaflets Ltd", "Signs Direct", "Ryman", "Viking Direct", "Party HQ Shop"}

func productCatalogue(f *faker, n int) table {
	t := table{header: []string{"SKU", "Item", "Category", "Unit price", "VAT rate", "Supplier", "In stock"}}
	for i := range n {
		t.rows = append(t.rows, []any{sku(f), products[i%len(products)], f.pick([]string{"Campaign", "Office", "Merchandise", "Events"}),
			money(float64(f.between(25, 9000)) / 100), f.pick([]string{"20%", "20%", "0%"}), f.pick(suppliers), f.between(0, 400)})
	}
	return t
}

func stockList(f *faker, n int) table {
	t := table{header: []string{"Location", "Bin", "SKU", "Description", "Qty on hand", "Reorder level", "Last counted"}}
	for i := range n {
		t.rows = append(t.rows, []any{f.pick([]string{"HQ store", "Garage", "Office cupboard", "Van"}),
			fmt.Sprintf("%c%d", 'A'+rune(f.r.IntN(6)), f.between(1, 20)), sku(f), products[i%len(products)],
			f.between(0, 500), f.between(10, 50), f.date(90)})
	}
	return t
}

var bankLines = []struct{ typ, desc string }{
	{"DD", "BT GROUP PLC"}, {"DD", "BRITISH GAS"}, {"DD", "NEST PENSIONS"}, {"FPO", "PRONTAPRINT ABERYSTWYTH"},
	{"FPO", "SIGNS DIRECT LTD"}, {"BGC", "STRIPE PAYMENTS UK"}, {"BGC", "PAYPAL PAYOUT"}, {"CHQ", "CHEQUE 100234"},
	{"DEB", "ROYAL MAIL GROUP"}, {"DEB", "AMAZON MARKETPLACE"}, {"FPI", "PARTY HQ MEMBERSHIP SHARE"},
	{"SO", "OFFICE RENT MARKET ST"}, {"DEB", "ZOOM.US"}, {"FPI", "RAFFLE TAKINGS"}, {"DD", "CEREDIGION CC RATES"},
}

// bankStatement has a sort code and account number in its title rows and
// money in every row, but no person.
func bankStatement(f *faker, n int) table {
	t := table{
		title:  [][]string{{"Account name: Ceredigion Liberal Democrats"}, {"Sort code: 30-94-57   Account number: 01234567"}, {"Statement period: 01/01/2026 to 12/03/2026"}},
		header: []string{"Date", "Type", "Description", "Paid out", "Paid in", "Balance"},
	}
	bal := float64(f.between(1000, 9000))
	d := refDate.AddDate(0, -2, 0)
	for range n {
		d = d.AddDate(0, 0, f.r.IntN(3))
		l := bankLines[f.r.IntN(len(bankLines))]
		amt := float64(f.between(500, 60000)) / 100
		var out, in any = "", ""
		if l.typ == "BGC" || l.typ == "FPI" {
			in, bal = money(amt), bal+amt
		} else {
			out, bal = money(amt), bal-amt
		}
		t.rows = append(t.rows, []any{d, l.typ, l.desc, out, in, money(bal)})
	}
	return t
}

// supplierPayments has sort codes and account numbers of organisations.
func supplierPayments(f *faker, n int) table {
	t := table{header: []string{"Date", "Payee", "Sort code", "Account number", "Reference", "Amount"}}
	for range n {
		t.rows = append(t.rows, []any{f.date(200), f.pick(suppliers), fmt.Sprintf("%02d-%02d-%02d", f.r.IntN(100), f.r.IntN(100), f.r.IntN(100)),
			f.digits(8), "INV-" + f.digits(5), money(float64(f.between(1000, 250000)) / 100)})
	}
	return t
}

func accessLog(f *faker, n int) table {
	t := table{header: []string{"timestamp", "ip", "method", "path", "status", "bytes", "user_agent", "referer"}}
	ts := refDate.Add(9 * time.Hour)
	for range n {
		ts = ts.Add(time.Duration(f.r.IntN(90)) * time.Second)
		t.rows = append(t.rows, []any{ts.Format(time.RFC3339), ipv4(f), f.pick([]string{"GET", "GET", "GET", "POST"}),
			f.pick([]string{"/", "/news", "/join", "/donate", "/events/spring-social", "/wp-login.php", "/static/app.css"}),
			f.pick([]string{"200", "200", "200", "304", "404", "301"}), f.between(200, 90000),
			f.pick([]string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)", "curl/8.5.0"}),
			f.pick([]string{"-", "https://www.google.com/", "https://www.facebook.com/"})})
	}
	return t
}

func agenda(f *faker, _ int) table {
	t := table{header: []string{"Item", "Time", "Topic", "Lead", "Paper"}}
	topics := []struct{ topic, lead string }{{"Apologies", "Chair"}, {"Minutes of last meeting", "Secretary"},
		{"Treasurer's report", "Treasurer"}, {"Membership report", "Membership secretary"},
		{"May elections: target wards", "Campaigns officer"}, {"Leaflet rounds", "Campaigns officer"},
		{"Fundraising: spring social", "Social secretary"}, {"Any other business", "Chair"}}
	tm := time.Date(2026, 3, 19, 19, 30, 0, 0, time.UTC)
	for i, x := range topics {
		t.rows = append(t.rows, []any{i + 1, tm.Format("15:04"), x.topic, x.lead, f.maybe(0.4, fmt.Sprintf("Paper %c", 'A'+i))})
		tm = tm.Add(time.Duration(f.between(5, 20)) * time.Minute)
	}
	return t
}

// organisations has role mailboxes (info@, office@) and addresses of
// bodies, not people.
func organisations(f *faker, n int) table {
	t := table{header: []string{"Organisation", "Email", "Phone", "Address", "Town", "Postcode", "Website"}}
	for i := range min(n, len(orgNames)) {
		a := f.address()
		words := strings.Fields(orgNames[i])
		slug := asciiFold(strings.Join(words[:min(2, len(words))], ""))
		t.rows = append(t.rows, []any{orgNames[i], f.pick([]string{"info", "office", "enquiries", "hello", "admin", "clerk"}) + "@" + slug + ".org.uk",
			phoneStyle(f.landline(f.placeOf(a.town)), 1), a.line1(), a.town, a.postcode, "https://www." + slug + ".org.uk"})
	}
	return t
}

// eventsCalendar lists venues with postcodes and times.
func eventsCalendar(f *faker, n int) table {
	t := table{header: []string{"Date", "Event", "Venue", "Postcode", "Start", "End"}}
	for range n {
		a, start := f.address(), f.between(9, 19)
		t.rows = append(t.rows, []any{refDate.AddDate(0, 0, f.r.IntN(120)), f.pick([]string{"Street stall", "Action day", "Members' social", "Leaflet drop", "Surgery", "Quiz night"}),
			f.pick(pollingPlaces), a.postcode, fmt.Sprintf("%02d:00", start), fmt.Sprintf("%02d:30", start+f.between(1, 3))})
	}
	return t
}

// deliveryRounds lists streets and counts of households, no deliverers.
func deliveryRounds(f *faker, n int) table {
	t := table{header: []string{"Round", "Ward", "Streets", "Households", "Leaflets", "Status"}}
	for i := range n {
		streets := []string{f.street(), f.street(), f.street()}
		t.rows = append(t.rows, []any{fmt.Sprintf("R%02d", i+1), f.pick(wardNames), strings.Join(streets, "; "),
			f.between(40, 260), f.between(40, 260), f.pick([]string{"Done", "Out", "Not started"})})
	}
	return t
}

// template is a kind's header with no rows: a blank form, not an export.
func template(k kind) kind {
	return func(f *faker, _ int) table {
		t := k(f, 1)
		t.rows = nil
		return t
	}
}

// few caps a kind at a handful of people, under the export threshold.
func few(k kind, n int) kind {
	return func(f *faker, _ int) table { return k(f, n) }
}
