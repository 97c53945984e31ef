package corpus

// format is one way a table is saved: the Shape suffix, the file name
// ending and how the bytes are made.
type format struct {
	name string
	ext  string
	make func(stem string, k kind, n int) content
}

func textFormat(name, ext string, tf textFmt) format {
	return format{name, ext, func(_ string, k kind, n int) content { return text(k, n, tf) }}
}

var (
	csvFmt   = textFmt{delim: ','}
	tsvFmt   = textFmt{delim: '\t'}
	chimpFmt = textFmt{delim: ',', lf: true, quoteAll: true} // Mailchimp quotes every field

	fCSV      = textFormat("csv", ".csv", csvFmt)
	fCSVLF    = textFormat("csv-lf", ".csv", textFmt{delim: ',', lf: true})
	fCSVBOM   = textFormat("csv-bom", "_utf8.csv", textFmt{delim: ',', enc: utf8BOM})
	fCSVSemi  = textFormat("csv-semicolon", "_eu.csv", textFmt{delim: ';'})
	fCSV1252  = textFormat("csv-cp1252", "_win.csv", textFmt{delim: ',', enc: cp1252})
	fTSV      = textFormat("tsv", ".txt", tsvFmt)
	fTSV16    = textFormat("tsv-utf16", "_unicode.txt", textFmt{delim: '\t', enc: utf16LE})
	fTSV1252  = textFormat("tsv-cp1252", "_ansi.txt", textFmt{delim: '\t', enc: cp1252})
	fPipe     = textFormat("pipe-dat", ".dat", textFmt{delim: '|'})
	fCSVAsTxt = textFormat("csv-as-txt", "_export.txt", csvFmt)
	fNoExt    = textFormat("csv-noext", "", csvFmt)
	fTSVNoExt = textFormat("tsv-noext", "_tab", tsvFmt)
	fChimp    = textFormat("csv-quoted", ".csv", chimpFmt)

	fXLSX = format{"xlsx", ".xlsx", func(_ string, k kind, n int) content { return xlsxOf(sheetSpec{"Sheet1", k, n, false}) }}
	fODS  = format{"ods", ".ods", func(_ string, k kind, n int) content { return odsOf(sheetSpec{"Sheet1", k, n, false}) }}

	fZipCSV = format{"zip-csv", ".zip", func(stem string, k kind, n int) content {
		return archive(member{stem + ".csv", text(k, n, csvFmt), plain})
	}}
	fZipTSV = format{"zip-tsv", "_zip.zip", func(stem string, k kind, n int) content {
		return archive(member{stem + ".txt", text(k, n, tsvFmt), plain})
	}}
)

// series is one export kind saved in several formats.
type series struct {
	stem, shape string
	k           kind
	fmts        []format
}

var personalSeries = []series{
	{"PersonFile20260312-11056504994", "van-person", vanPerson, []format{fTSV, fTSV16, fXLSX, fZipTSV}},
	{"ContactHistory20260310-11049988123", "contact-history", contactHistory, []format{fTSV, fCSV}},
	{"SurveyResponses20260311-11050011234", "survey-response", surveyResponse, []format{fTSV, fXLSX}},
	{"NotesExport20260309", "van-notes", vanNotes, []format{fCSV, fTSV}},
	{"connect_export_cathays", "connect-pdpn", connectPerson, []format{fCSV, fXLSX, fNoExt, fODS}},
	{"MarkedRegister_W06000008_AB", "connect-marked", connectMarked, []format{fCSV}},
	{"full_register_AB", "xpress-register14", xpress14, []format{fTSV1252, fCSV, fPipe, fXLSX, fTSVNoExt}},
	{"register13_CA", "xpress-register13", xpress13, []format{fTSV1252, fXLSX, fCSVBOM}},
	{"electors_for_canvassing", "xpress-campaign", xpressCampaign, []format{fCSV, fXLSX}},
	{"Monthly_Update_2026-03", "xpress-update", xpressUpdate, []format{fCSV1252, fTSV}},
	{"pp50_KD", "halarose-pp50", halarosePP50, []format{fTSV, fCSVBOM, fTSV1252}},
	{"register_export", "council-pdcode", councilRegister, []format{fCSV, fCSVSemi, fODS, fXLSX}},
	{"NFI_electoral_register_2026", "nfi", nfiRegister, []format{fCSV, fCSVAsTxt, fXLSX}},
	{"Ward 3 walk sheet", "walk-sheet", walkSheet, []format{fCSV, fXLSX, fODS, fTSV16, fCSV1252}},
	{"canvass_returns", "canvass-sheet", canvassSheet, []format{fCSV, fXLSX, fCSVSemi, fNoExt, fODS}},
	{"subscribed_members_export_8be1f0a7c2", "mailchimp", mailchimp, []format{fChimp, fXLSX}},
	{"unsubscribed_members_export_1c0ffee123", "mailchimp-unsub", mailchimpUnsub, []format{fChimp}},
	{"nationbuilder-people-export-1234-2026-03-12", "nationbuilder", nationBuilder, []format{fCSVLF, fXLSX}},
	{"nationbuilder-people-export-88-2026-01-30", "nationbuilder", nationBuilder, []format{fCSVLF}},
	{"members", "roster", roster, []format{fCSV, fCSVBOM, fCSVSemi, fCSV1252, fTSV16, fPipe, fCSVAsTxt, fNoExt, fODS, fZipCSV}},
	{"Membership list March 2026", "roster-numeric", rosterExcel, []format{fXLSX}},
	{"event_signups", "signup", signup, []format{fCSV, fXLSX, fODS, fTSV}},
	{"donations_2025", "donations", donations, []format{fCSV, fXLSX, fCSVSemi, fODS}},
	{"aelodau", "welsh-members", welshMembers, []format{fCSV, fXLSX, fODS, fTSV16, fCSVBOM}},
	{"contacts", "headerless-contacts", headerlessContacts, []format{fCSV, fTSV, fCSVSemi, fPipe}},
	{"AB_extract", "headerless-register", headerlessRegister, []format{fCSV, fTSV1252}},
	{"address_book", "multiline-address", multilineContacts, []format{fCSV, fCSVBOM, fXLSX, fODS}},
	{"staff_payroll", "staff-nino", staffPayroll, []format{fCSV, fXLSX}},
	{"conference_access_needs", "access-nhs", accessNeeds, []format{fCSV, fXLSX}},
}

var cleanSeries = []series{
	{"WebLookup_export", "polling-weblookup", pollingWebLookup, []format{fCSV, fXLSX}},
	{"DemocracyClub_PollingDistricts", "polling-xpress-dc", pollingDC, []format{fCSV, fTSV}},
	{"polling_station_export", "polling-halarose", pollingHalarose, []format{fCSV, fCSVBOM}},
	{"DC_stations", "polling-democracy-counts", pollingDemocracyCounts, []format{fCSV, fXLSX}},
	{"PCD_OA21_LSOA21_MSOA21_LAD_WD24_lookup", "ons-postcode-lookup", onsLookup, []format{fCSV, fXLSX, fODS}},
	{"results_2022_locals", "election-results", electionResults, []format{fCSV, fXLSX}},
	{"ward_statistics", "ward-stats", wardStats, []format{fCSV, fXLSX, fODS}},
	{"shop_catalogue", "product-catalogue", productCatalogue, []format{fCSV, fXLSX, fCSVSemi}},
	{"stock_take", "stock-list", stockList, []format{fCSV, fODS, fXLSX}},
	{"Statement_30945701234567", "bank-statement", bankStatement, []format{fCSV, fXLSX}},
	{"supplier_payments", "supplier-payments", supplierPayments, []format{fCSV, fXLSX}},
	{"access_log_2026-03-12", "access-log", accessLog, []format{fCSV, fTSV}},
	{"agenda_exec_19-03-2026", "agenda", agenda, []format{fCSV, fXLSX}},
	{"community_groups", "organisations", organisations, []format{fCSV, fXLSX, fODS}},
	{"events_spring", "events-calendar", eventsCalendar, []format{fCSV, fXLSX}},
	{"leaflet_rounds", "delivery-rounds", deliveryRounds, []format{fCSV, fXLSX}},
	{"members_template", "template-roster", template(roster), []format{fCSV, fXLSX}},
	{"aelodau_templed", "template-welsh", template(welshMembers), []format{fCSV}},
	{"import_template", "template-mailchimp", template(mailchimp), []format{fCSV}},
	{"register_header_only", "template-register", template(xpress14), []format{fTSV}},
	{"new_members_this_week", "few-roster", few(roster, 5), []format{fCSV}},
	{"signups_friday", "few-signup", few(signup, 7), []format{fXLSX}},
	{"callbacks", "few-canvass", few(canvassSheet, 4), []format{fCSV}},
	{"phone_numbers", "few-contacts", few(headerlessContacts, 3), []format{fCSV}},
}

// catalogue lists every file of the corpus.
func catalogue(b *builder) {
	for _, s := range personalSeries {
		for _, fm := range s.fmts {
			n := b.count()
			if fm.name == "tsv-utf16" {
				n = min(n, 150) // two bytes a character: keep files small
			}
			b.add(s.stem+fm.ext, WantPersonal, s.shape+"/"+fm.name, fm.make(s.stem, s.k, n))
		}
	}
	for _, s := range cleanSeries {
		for _, fm := range s.fmts {
			b.add(s.stem+fm.ext, WantClean, s.shape+"/"+fm.name, fm.make(s.stem, s.k, b.count()))
		}
	}
	personalSpecials(b)
	cleanSpecials(b)
	encryptedCases(b)
}

func personalSpecials(b *builder) {
	// Counts at and just over a MinRecords of 10.
	b.add("renewals_due.csv", WantPersonal, "roster/csv-min", text(roster, 10, csvFmt))
	b.add("late_additions_AB.txt", WantPersonal, "xpress-register14/tsv-min", text(xpress14, 11, tsvFmt))
	b.add("signups_small.xlsx", WantPersonal, "signup/xlsx-min", xlsxOf(sheetSpec{"Form responses 1", signup, 12, false}))

	// A report workbook: a summary first, then the members, then lapsed.
	b.add("Membership report March 2026.xlsx", WantPersonal, "roster/xlsx-multisheet", xlsxOf(
		sheetSpec{"Summary", wardStats, 8, false},
		sheetSpec{"Members", rosterExcel, b.count(), false},
		sheetSpec{"Lapsed", rosterExcel, 14, false}))
	b.add("Members (locked).xlsx", WantPersonal, "roster/xlsx-protected",
		xlsxOf(sheetSpec{"Members", rosterExcel, b.count(), true}))
	b.add("canvass_ods_multisheet.ods", WantPersonal, "canvass-sheet/ods-multisheet", odsOf(
		sheetSpec{"Notes", agenda, 0, false},
		sheetSpec{"KD2", canvassSheet, b.count(), false}))

	b.add("members_export_3f9a2c71d0.zip", WantPersonal, "mailchimp/zip", archive(
		member{"subscribed_members_export_3f9a2c71d0.csv", text(mailchimp, b.count(), chimpFmt), plain},
		member{"unsubscribed_members_export_3f9a2c71d0.csv", text(mailchimpUnsub, 6, chimpFmt), plain},
		member{"cleaned_members_export_3f9a2c71d0.csv", text(template(mailchimp), 0, chimpFmt), plain}))
	b.add("walk_sheets_pack.zip", WantPersonal, "walk-sheet/zip-xlsx", archive(
		member{"AB walk sheet.xlsx", xlsxOf(sheetSpec{"AB", walkSheet, b.count(), false}), plain},
		member{"AC walk sheet.xlsx", xlsxOf(sheetSpec{"AC", walkSheet, b.count(), false}), plain}))
	b.add("backup_2026-03-12.zip", WantPersonal, "roster/zip-in-zip", archive(
		member{"exports.zip", archive(member{"members.csv", text(roster, b.count(), csvFmt), plain}), plain}))
	b.add("aelodau_ods.zip", WantPersonal, "welsh-members/zip-ods", archive(
		member{"aelodau.ods", odsOf(sheetSpec{"Aelodau", welshMembers, b.count(), false}), plain}))
	b.add("register_pack_2026.zip", WantPersonal, "register/zip-multi", archive(
		member{"README.txt", doc(prose), plain},
		member{"AB_full.txt", text(xpress14, b.count(), textFmt{delim: '\t', enc: cp1252}), plain},
		member{"NFI.csv", text(nfiRegister, b.count(), csvFmt), plain}))

	// Per entry, an encrypted part does not make the rest compliant.
	b.add("data_for_agent.zip", WantPersonal, "roster/zip-mixed-zipcrypto", archive(
		member{"secret_members.csv", text(roster, b.count(), csvFmt), zipCrypto},
		member{"members_plain.csv", text(roster, b.count(), csvFmt), plain}))
	b.add("ward_packs.zip", WantPersonal, "register/zip-mixed-aes", archive(
		member{"AB_register.csv", text(xpress14, b.count(), csvFmt), aesMarked},
		member{"AC_register.csv", text(xpress14, b.count(), csvFmt), plain}))
}

func cleanSpecials(b *builder) {
	b.add("price_list_locked.xlsx", WantClean, "product-catalogue/xlsx-protected",
		xlsxOf(sheetSpec{"Prices", productCatalogue, b.count(), true}))
	b.add("budget_2026.xlsx", WantClean, "finance/xlsx-multisheet", xlsxOf(
		sheetSpec{"Payments", supplierPayments, b.count(), false},
		sheetSpec{"Wards", wardStats, 20, false},
		sheetSpec{"Stock", stockList, b.count(), false}))
	b.add("campaign_plan.txt", WantClean, "prose/txt", doc(prose))
	b.add("volunteer_briefing.txt", WantClean, "prose/txt", doc(prose))
	b.add("letter_footpath.txt", WantClean, "letter/txt", doc(letter))
	b.add("reply_to_resident.txt", WantClean, "letter/txt", doc(letter))
	b.add("Re_ Saturday action day.eml", WantClean, "email-thread/eml", doc(emailThread))
	b.add("Fwd_ rounds.eml", WantClean, "email-thread/eml", doc(emailThread))
	b.add("download.bin", WantClean, "junk/bin", junk(4096))
	b.add("IMG_2041.tmp", WantClean, "junk/tmp", junk(20000))
	b.add("New Text Document.txt", WantClean, "empty/txt", doc(func(*faker) []byte { return nil }))
	b.add("shop_export.zip", WantClean, "product-catalogue/zip-csv", archive(
		member{"catalogue.csv", text(productCatalogue, b.count(), csvFmt), plain},
		member{"stock.csv", text(stockList, b.count(), csvFmt), plain}))
	b.add("minutes.zip", WantClean, "prose/zip", archive(
		member{"minutes_feb.txt", doc(prose), plain},
		member{"letter.txt", doc(letter), plain}))
}

func encryptedCases(b *builder) {
	b.add("Membership list (encrypted).xlsx", WantEncrypted, "roster/xlsx-encrypted",
		sealed(xlsxOf(sheetSpec{"Members", rosterExcel, b.count(), false}), "Ceredigion1"))
	b.add("walk_sheet_AB_pw.xlsx", WantEncrypted, "walk-sheet/xlsx-encrypted",
		sealed(xlsxOf(sheetSpec{"AB", walkSheet, b.count(), false}), "knock-knock"))
	b.add("budget_locked.xlsx", WantEncrypted, "finance/xlsx-encrypted",
		sealed(xlsxOf(sheetSpec{"Payments", supplierPayments, b.count(), false}), "treasurer"))
	b.add("members_zipcrypto.zip", WantEncrypted, "roster/zip-zipcrypto", archive(
		member{"members.csv", text(roster, b.count(), csvFmt), zipCrypto}))
	b.add("registers_zipcrypto.zip", WantEncrypted, "register/zip-zipcrypto", archive(
		member{"AB.txt", text(xpress14, b.count(), tsvFmt), zipCrypto},
		member{"AC.txt", text(xpress14, b.count(), tsvFmt), zipCrypto}))
	b.add("members_aes.zip", WantEncrypted, "roster/zip-aes", archive(
		member{"members.csv", text(roster, b.count(), csvFmt), aesMarked}))
	b.add("canvass_aes.zip", WantEncrypted, "canvass-sheet/zip-aes", archive(
		member{"canvass_KD.csv", text(canvassSheet, b.count(), csvFmt), aesMarked},
		member{"canvass_KE.xlsx", xlsxOf(sheetSpec{"KE", canvassSheet, b.count(), false}), aesMarked}))
	b.add("aelodau_cyfrinair.ods", WantEncrypted, "welsh-members/ods-encrypted", encryptedODSOf(b.count()))
	// A plain zip whose only file is a password-encrypted workbook.
	b.add("encrypted_workbooks.zip", WantEncrypted, "roster/zip-of-encrypted-xlsx", archive(
		member{"members.xlsx", sealed(xlsxOf(sheetSpec{"Members", rosterExcel, b.count(), false}), "Ceredigion1"), plain}))
}
