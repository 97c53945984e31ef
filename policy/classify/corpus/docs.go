package corpus

import (
	"fmt"
	"strings"
)

// The documents here mention one or two people in passing, as ordinary
// correspondence does: a name, a phone, an address block. None is a list.

func prose(f *faker) []byte {
	p := f.person()
	var b strings.Builder
	b.WriteString("Spring Campaign Plan\r\n====================\r\n\r\n")
	paras := []string{
		"Our aim this spring is to hold both target wards and gain a third. The ward teams will meet fortnightly and report contact rates to the campaigns committee.",
		"Leaflet rounds are being redrawn so that no deliverer has more than 250 doors. Rounds that have not gone out by the end of the month will be picked up by the Saturday action day team.",
		"Every volunteer should complete the data protection module before being given a walk sheet. Walk sheets must be returned or shredded on the day.",
		"We will run two phone banks a week from the office. Scripts are on the shared drive; please do not save call lists to personal laptops.",
		"Fundraising: the spring social is booked for 18 April. Tickets are £12 and the raffle needs prizes.",
	}
	for i := range f.between(3, len(paras)) {
		b.WriteString(paras[i] + "\r\n\r\n")
	}
	fmt.Fprintf(&b, "Contact %s on %s or %s if you can help.\r\n", p.name(), phoneStyle(p.mobile, 1), p.email)
	return []byte(b.String())
}

func letter(f *faker) []byte {
	to, from := f.person(), f.person()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", to.title, to.name())
	for _, l := range to.addr.lines() {
		b.WriteString(l + "\n")
	}
	b.WriteString(to.addr.postcode + "\n\n12 March 2026\n\n")
	fmt.Fprintf(&b, "Dear %s %s,\n\n", to.title, to.last)
	b.WriteString("Thank you for getting in touch about the state of the footpath by the river. I have raised it with the council's highways team and asked for an inspection within the month.\n\n")
	b.WriteString("I will write again when I hear back. In the meantime, please do not hesitate to contact me.\n\n")
	fmt.Fprintf(&b, "Yours sincerely,\n\n%s\nCouncillor, %s ward\n%s\n", from.name(), f.pick(wardNames), phoneStyle(from.landline, 1))
	return []byte(b.String())
}

// emailThread is an .eml with headers and two quoted replies.
func emailThread(f *faker) []byte {
	a, c := f.person(), f.person()
	date := "Thu, 12 Mar 2026 10:14:03 +0000"
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <%s>\r\nFrom: %s <%s>\r\nTo: %s <%s>\r\nSubject: Re: Re: Saturday action day\r\n", a.email, a.name(), a.email, c.name(), c.email)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s@mail.example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", date, hexID(f, 16))
	fmt.Fprintf(&b, "Great, see you at 10 by the clock tower. Bring the clipboards.\r\n\r\n%s\r\n\r\n", a.first)
	fmt.Fprintf(&b, "On Wed, 11 Mar 2026 at 21:02, %s <%s> wrote:\r\n> I can do the morning but not the afternoon.\r\n> Is there parking near the office?\r\n>\r\n", c.name(), c.email)
	fmt.Fprintf(&b, "> On Wed, 11 Mar 2026 at 18:40, %s <%s> wrote:\r\n>> Hi all, action day this Saturday. Meet 10am, rounds R04 to R09.\r\n>> Thanks, %s\r\n", a.name(), a.email, a.first)
	return []byte(b.String())
}
