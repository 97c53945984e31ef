package classify

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestValidators(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		ok   func(string) bool
		yes  []string
		no   []string
	}{
		{"postcode", isPostcode,
			[]string{"SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "CF10 1EP", "GIR 0AA", "EC1A 1BB", " LL57 2DG "},
			[]string{"SW19", "NOT A POSTCODE SW1A 1AA", "QA1 1AA", "AB12", "12345", "SW1A 1CA", "A1 1AA1", ""}},
		{"email", isEmail,
			[]string{"jane.smith@example.org", "a+b@mail.co.uk", "o'brien@x.ie"},
			[]string{"jane@", "@example.org", "jane@localhost", "jane smith@example.org", "Contact: jane@example.org"}},
		{"phone", isUKPhone,
			[]string{"07911 123456", "+44 7911 123456", "+44 (0)20 7946 0018", "0044 113 496 0000", "(016977) 3456", "029 2087 4000", "7911123456", "01632 960001"},
			[]string{"07011 123456", "0800 123456", "12345", "+1 212 555 0100", "07911 12345", "AB-123", "020 7946 001"}},
		{"nino", isNINO,
			[]string{"AB123456C", "ab 12 34 56 c", "JG-10-30-27-B", "AB123456"},
			[]string{"QQ123456C", "GB123456A", "DA123456A", "AO123456A", "AB123456E", "AB12345C", "ZZ123456D"}},
		{"nhs", isNHSNumber,
			[]string{"943 476 5919", "9434765919", "401-023-2137"},
			[]string{"943 476 5918", "943476591", "ABC4765919"}},
		{"dob", func(s string) bool { return isBirthDate(s, now) },
			[]string{"02/03/1961", "2/3/61", "1961-03-02", "02-Mar-1961", "2 March 1961", "02.03.1961", "1999-12-31T00:00:00"},
			[]string{"31/02/1961", "2026-11-30", "1900-01-01", "13/13/1961", "next tuesday", "1961"}},
		{"name", func(s string) bool { ok, _ := nameShape(s); return ok },
			[]string{"Jane Smith", "SMITH Jane", "O'Brien", "Siân Ap Rhys", "Mary-Jane Watson-Jones", "dewi"},
			[]string{"Village Hall", "12 High Street", "St Mary's Church", "Acme Ltd", "A", "AB1234"}},
		{"address", isAddress,
			[]string{"12 High Street", "Flat 3, Rose Court", "4 Heol y Wern, Cardiff CF14 1AA", "The Old Rectory, LL57 2DG"},
			[]string{"Cardiff", "The Old Rectory", "12"}},
		{"elector", isElectorCell,
			[]string{"AB-123", "ABC1-12/1", "KD-2/2-289/1", "AB1-289/1", "XY-1.1"},
			[]string{"AB123", "SW19", "AB-", "-123", "ABCDE-12", "ab-12"}},
		{"pollnumber", isPollNumber, []string{"123", "124/1", "12.1"}, []string{"12a", "", "123456"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range tc.yes {
				require.True(t, tc.ok(normCell(s)), "%q should pass", s)
			}
			for _, s := range tc.no {
				require.False(t, tc.ok(normCell(s)), "%q should fail", s)
			}
		})
	}
}

func TestHeaderKind(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]kind{
		"Voter File VANID": kVAN, "Elector Number Prefix": kDistrict, "PDCode": kDistrict, "RollNo": kElector,
		"Elector Surname": kName, "First Names": kName, "PostCode": kPostcode, "Address 9": kAddress,
		"primary_address1": kAddress, "PropertyPostCode": kPostcode, "Email Address": kEmail, "email2": kEmail,
		"Pref Phone ": kPhone, "Cell Phone": kPhone, "Date of Birth": kDOB, "Elector DOB": kDOB,
		"Membership Number": kMember, "nationbuilder_id": kPersonID, "NI Number": kNINO, "NHS No.": kNHS,
		"Cyfenw": kName, "Enw cyntaf": kName, "Cod post": kPostcode, "E-bost": kEmail, "Rhif ffôn": kPhone,
		"Dyddiad geni": kDOB, "Rhif aelodaeth": kMember, "Cyfeiriad 1": kAddress, "Rhif etholwr": kElector,
		"Usual Party": kOpinion, "Organisation": kOrg,
		"polling_place_name": kNone, "streetname": kAddress, "housename": kAddress, "pollingplaceaddress1": kNone, "Amount": kNone,
		"Description": kNone, "": kNone,
	} {
		require.Equal(t, want, headerKind(h), "%q", h)
	}
}

func TestFindHeader(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{"Ward 3 walk sheet – printed 12/03/2026"},
		{},
		{"PD", "ENO", "Surname", "First Names", "Address 1", "Postcode"},
		{"AB", "1", "SMITH", "Jane", "1 High Street", "CF10 1EP"},
	}
	require.Equal(t, 2, findHeader(rows))
	require.Equal(t, -1, findHeader([][]string{{"Jane Smith", "jane@example.org"}, {"Tom Jones", "tom@example.org"}}))
	require.Equal(t, 0, findHeader([][]string{{"Item", "Colour", "Size"}, {"Mug", "Blue", "10"}}))
}

func TestAnalyse(t *testing.T) {
	t.Parallel()
	people := func(header []string, row func(i int) []string, n int) table {
		rows := [][]string{}
		if header != nil {
			rows = append(rows, header)
		}
		for i := range n {
			rows = append(rows, row(i))
		}
		return table{rows: rows, total: len(rows), exact: true}
	}
	first := []string{"Jane", "Tom", "Siân", "Dewi", "Mary", "John", "Rhys", "Emma", "Gareth", "Lucy", "Owain", "Sarah"}
	last := []string{"Smith", "Jones", "Evans", "Davies", "Williams", "Roberts", "Hughes", "Lewis", "Morgan", "Price", "Thomas", "Ap Rhys"}
	name := func(i int) string { return first[i%12] + " " + last[(i*7)%12] }
	email := func(i int) string { return first[i%12] + "." + last[(i*7)%12] + "@example.org" }
	for _, tc := range []struct {
		name     string
		t        table
		personal bool
		people   int
	}{
		{"members with header", people([]string{"Name", "Email", "Postcode"}, func(i int) []string {
			return []string{name(i), email(i), "CF10 1EP"}
		}, 30), true, 12},
		{"headerless name+email", people(nil, func(i int) []string {
			return []string{name(i) + string(rune('a'+i%26)), email(i) + "x"}
		}, 20), true, 20},
		{"polling stations", people([]string{"polling_place_name", "polling_place_address_1", "polling_place_postcode"}, func(i int) []string {
			return []string{"Village Hall", "12 High Street", "CF10 1EP"}
		}, 30), false, 0},
		{"organisations with role emails", people([]string{"Organisation", "Email", "Phone"}, func(i int) []string {
			return []string{"Acme Ltd", "info@acme.example", "029 2087 4000"}
		}, 30), false, 0},
		{"header only", people([]string{"Name", "Email", "Postcode"}, nil, 0), false, 0},
		{"names alone", people([]string{"First name", "Surname"}, func(i int) []string {
			return []string{first[i%12], last[i%12]}
		}, 30), false, 0},
		{"split elector number", people([]string{"PD", "ENO", "Surname", "Address 1"}, func(i int) []string {
			return []string{"AB", strconv.Itoa(i + 1), last[i%12], "1 High Street"}
		}, 30), true, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := analyse(tc.t, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
			require.Equal(t, tc.personal, v.personal, "kinds %v", v.kinds)
			if tc.personal {
				require.Equal(t, tc.people, v.people)
			}
		})
	}
}
