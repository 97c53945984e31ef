package classify

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// kind is what a column holds.
type kind uint8

const (
	kNone kind = iota
	kName
	kEmail
	kPhone
	kPostcode
	kAddress
	kDOB
	kElector  // elector number, possibly split over a district and a number column
	kDistrict // polling district: an elector number only beside a number column
	kPollNo   // the number part of a split elector number
	kMember   // membership number
	kVAN      // VAN / Connect ID
	kPersonID // another system's person identifier (NationBuilder, Mailchimp LEID)
	kNINO     // National Insurance number
	kNHS      // NHS number
	kOpinion  // political opinion or canvass result: special category data
	kOrg      // an organisation's or place's name: the table is about organisations
	numKinds
)

// signalOrder is the order signals are reported in, with their JSON name
// and the words the reason uses.
var signalOrder = []struct {
	k          kind
	name, text string
}{
	{kName, "name", "name"},
	{kEmail, "email", "email"},
	{kPhone, "phone", "phone"},
	{kPostcode, "postcode", "postcode"},
	{kAddress, "address", "address"},
	{kDOB, "dob", "date of birth"},
	{kElector, "elector_number", "elector number"},
	{kMember, "membership_number", "membership number"},
	{kVAN, "van_id", "VAN ID"},
	{kPersonID, "person_id", "person ID"},
	{kNINO, "nino", "NI number"},
	{kNHS, "nhs_number", "NHS number"},
	{kOpinion, "political_opinion", "political opinion"},
}

// identifies reports whether a column of this kind singles out a person.
func (k kind) identifies() bool {
	switch k {
	case kName, kEmail, kPhone, kElector, kMember, kVAN, kPersonID, kNINO, kNHS:
		return true
	}
	return false
}

// headerWords maps normalised header text (lower case, letters and digits
// only, accents folded) to a kind. English headers come from real exports
// (notes/pii.md §1: VAN/Connect, Xpress, Halarose, council registers,
// NationBuilder, Mailchimp, membership rosters); Welsh ones are what the same
// forms say in Welsh. Matching is exact after normalisation, so
// "pollingplacename" or "streetname" are never taken for a person's name.
var headerWords = func() map[string]kind {
	m := make(map[string]kind)
	add := func(k kind, words string) {
		for _, w := range strings.Fields(words) {
			m[w] = k
		}
	}
	add(kName, `name names firstname firstnames forename forenames givenname givennames fname first
		middlename middlenames lastname surname surnames familyname lname last fullname contactname
		votername electorname electorforename electorsurname electorforenames membername donorname
		attendeename personname preferredname knownas salutation christianname initials
		enw enwau enwcyntaf enwaucyntaf cyfenw enwllawn blaenenw blaenenwau enwolaf`)
	add(kEmail, `email emails emailaddress emailaddresses preferredemail personalemail workemail
		homeemail contactemail mail ebost cyfeiriadebost`)
	add(kPhone, `phone phones phonenumber telephone telephonenumber tel telno mobile mobilenumber
		mobilephone mobileno mob cell cellphone homephone workphone preferredphone prefphone landline
		daytimephone eveningphone contactnumber contactphone phoneno ffon rhifffon ffonsymudol
		rhifffonsymudol symudol`)
	add(kPostcode, `postcode postcodes postalcode zip zipcode zip5 zipcoderoyalmail ziproyalmail
		propertypostcode codpost`)
	add(kAddress, `address addresses addr addressline streetaddress fulladdress homeaddress
		mailingaddress postaladdress propertyaddress registeredaddress vaddress maddress
		housename housenumber houseno streetname street substreetname locality town city county
		posttown adminarea flat building cyfeiriad cyfeiriadau llinellgyfeiriad tref stryd`)
	add(kDOB, `dob dateofbirth birthdate birthday electordob bornat dateofattainment attainmentdate
		attainment dyddiadgeni`)
	add(kElector, `electornumber electorno eno rollno rollnumber pollnumber pollno pn electoralnumber
		electoralregisterreferencenumber electoralrollnumber pdcoderollno pdpn rhifetholwr`)
	add(kDistrict, `pd pdcode pollingdistrict pollingdistrictcode electornumberprefix distinctiveletter
		districtref ardalbleidleisio`)
	add(kMember, `membershipnumber membershipno membernumber memberno memberid membershipid
		membershipref rhifaelodaeth`)
	add(kVAN, `vanid voterfilevanid myvotervanid myvoterspersonid van`)
	add(kPersonID, `nationbuilderid personid electorid voterid supporterid contactid leid euid
		statefileid`)
	add(kNINO, `nino ni ninumber nino nationalinsurance nationalinsurancenumber nationalinsuranceno
		rhifyswiriantgwladol`)
	add(kNHS, `nhsnumber nhsno nhs`)
	add(kOpinion, `party usualparty votingintention vi gvi support surveyresponse canvassresult
		result 15 likelihoodtovote postalvoter pb dnk donotknock`)
	add(kOrg, `organisation organization organisationname organizationname company companyname
		business businessname venue venuename school charity club sefydliad cwmni`)
	return m
}()

// addressPrefixes are qualifiers exports put before an address, email or
// phone header (NationBuilder's primary_address1, Xpress's PropertyPostCode).
var headerPrefixes = []string{"primary", "mailing", "billing", "registered", "property", "home",
	"work", "postal", "usersubmitted", "elector", "preferred", "contact", "personal", "member", "main"}

// normHeader folds a header cell to the form headerWords is keyed on.
func normHeader(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r), r < 0x80:
			// accents and punctuation fold away
		}
	}
	return b.String()
}

// headerKind looks a header cell up, trying it as written, without a
// trailing number (address1, email2, phone1), without a qualifier
// prefix, and without a trailing "line" (addressline1 → addressline).
func headerKind(cell string) kind {
	h := normHeader(cell)
	if h == "" || len(h) > 48 {
		return kNone
	}
	if k, ok := headerWords[h]; ok {
		return k
	}
	h = strings.TrimRight(h, "0123456789")
	if k, ok := headerWords[h]; ok && h != "" {
		return k
	}
	for _, p := range headerPrefixes {
		if rest, ok := strings.CutPrefix(h, p); ok && rest != "" {
			if k, ok := headerWords[rest]; ok && k != kOrg && k != kOpinion {
				return k
			}
		}
	}
	return kNone
}
