package corpus

// The word lists are written here rather than downloaded so the corpus is
// reproducible offline and carries no real person's data: names and streets
// are common enough that no combination points at anyone.

// Given names are split by the sex usually given them so that a title, a
// sex column and a name agree on a walk sheet.
var maleNames = []string{
	"Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William",
	"Daniel", "Matthew", "Joseph", "Samuel", "Benjamin", "Edward", "Henry", "Alexander",
	"Luke", "Adam", "Michael", "David", "Peter", "Paul", "Richard", "Stephen",
	"Andrew", "Simon", "Mark", "Christopher", "Jonathan", "Nicholas", "Robert", "Anthony",
	"Kevin", "Graham", "Keith", "Derek", "Nigel", "Trevor", "Colin", "Malcolm",
	"Dafydd", "Rhys", "Gareth", "Owain", "Huw", "Iwan", "Aled", "Emyr",
	"Geraint", "Ieuan", "Tomos", "Gethin", "Cai", "Osian", "Llŷr", "Meirion",
	"Hamish", "Fraser", "Callum", "Ewan", "Ciaran", "Declan", "Padraig",
	"Rajesh", "Mohammed", "Imran", "Arjun", "Bilal", "Yusuf", "Tariq", "Gurpreet",
	"Chidi", "Olumide", "Kwame", "Tomasz", "Piotr", "José", "Matteo",
}

var femaleNames = []string{
	"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily",
	"Jessica", "Charlotte", "Hannah", "Lucy", "Ella", "Chloe", "Megan", "Rebecca",
	"Sarah", "Emma", "Laura", "Rachel", "Helen", "Susan", "Margaret", "Elizabeth",
	"Patricia", "Jennifer", "Karen", "Alison", "Julie", "Claire", "Joanne", "Victoria",
	"Frances", "Dorothy", "Joan", "Brenda", "Maureen", "Pauline", "Gillian", "Deborah",
	"Cerys", "Siân", "Angharad", "Eleri", "Bethan", "Nia", "Carys", "Ffion",
	"Gwenllian", "Llinos", "Catrin", "Rhiannon", "Seren", "Elin", "Mererid", "Heledd",
	"Ailsa", "Eilidh", "Morag", "Kirsty", "Siobhan", "Niamh", "Aoife", "Orla", "Roisin",
	"Priya", "Aisha", "Fatima", "Sunita", "Zainab", "Harpreet", "Anjali", "Nadia",
	"Adaeze", "Agnieszka", "Katarzyna", "Renée", "Zoë", "Chloë", "Ines",
}

var surnames = []string{
	// Welsh
	"Jones", "Davies", "Evans", "Williams", "Thomas", "Roberts", "Hughes", "Lewis",
	"Morgan", "Griffiths", "Price", "Rees", "Owen", "Jenkins", "Lloyd", "Powell",
	"Pritchard", "Parry", "Bowen", "Vaughan", "Prosser", "ap Rhys", "ap Gwilym", "Llywelyn",
	"Pugh", "Probert", "Howells", "Phillips", "Edwards", "Wynne", "Gruffydd", "Bevan",
	"Meredith", "Cadwaladr", "Humphreys", "Jarman", "Watkins", "Gwyn", "Morris", "Harries",
	// English
	"Smith", "Brown", "Wilson", "Johnson", "Walker", "Wright", "Robinson", "Thompson",
	"White", "Green", "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke",
	"Turner", "Hill", "Moore", "Cooper", "Ward", "King", "Baker", "Harrison",
	"Taylor", "Allen", "Young", "Scott", "Mitchell", "Carter", "Bennett", "Shaw",
	"Chapman", "Cox", "Marshall", "Webb", "Ellis", "Fox", "Hunt", "Palmer",
	"Holmes", "Mason", "Knight", "Butler", "Barnes", "Fisher", "Stevens", "Dixon",
	"Fletcher", "Gibson", "Kennedy", "Lawrence", "Pearson", "Spencer", "Atkinson", "Hargreaves",
	"Smith-Jones", "Ashworth-Lee", "Collins", "Russell", "Griffin", "Holland", "Lamb", "Burton",
	"Dawson", "Kemp", "Lucas", "Newman", "Parsons", "Sutton", "Wells", "Yates", "Nash", "Payne",
	// Scottish and Irish
	"Campbell", "Stewart", "Murray", "Fraser", "Robertson", "MacLeod", "McDonald", "Reid",
	"O'Brien", "O'Connor", "Murphy", "Kelly", "Byrne", "Doherty", "Quinn", "Fitzgerald",
	// South Asian, African, European
	"Patel", "Khan", "Ahmed", "Ali", "Hussain", "Singh", "Kaur", "Shah",
	"Begum", "Chowdhury", "Sharma", "Gill", "Okafor", "Adeyemi", "Mensah", "Osei",
	"Nowak", "Kowalski", "Wiśniewski", "Rossi", "Lefèvre", "García",
}

var middleNames = []string{
	"John", "Mary", "Anne", "Elizabeth", "James", "Rhys", "Wyn", "Louise",
	"Marie", "Michael", "Alan", "Jane", "Lynne", "Dafydd", "Ann", "Edward",
}

// streetStems take a street type; welshStreets are whole names, because
// Welsh street names put the type first.
var streetStems = []string{
	"High", "Church", "Station", "Mill", "Park", "Victoria", "Albert", "Queen's",
	"King's", "North", "South", "West", "Chapel", "School", "Orchard", "Meadow",
	"Bridge", "Castle", "Market", "New", "Ash", "Oak", "Elm", "Beech",
	"Willow", "Cedar", "Holly", "Hawthorn", "Primrose", "Bluebell", "Windsor", "Gladstone",
	"Alexandra", "Clarence", "Trinity", "Rectory", "Vicarage", "Manor", "Grange", "Priory",
	"Riverside", "Brook", "Heath", "Fern", "Laburnum", "Sycamore", "Coronation", "Jubilee",
}

var streetTypes = []string{
	"Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Court",
	"Crescent", "Gardens", "Place", "Terrace", "Grove", "Hill", "Mews", "Walk",
	"View", "Park", "Row", "Rise",
}

var welshStreets = []string{
	"Heol y Dŵr", "Stryd Fawr", "Ffordd Penglais", "Lôn Las", "Heol Isaf", "Maes y Coed",
	"Cae Glas", "Heol y Bont", "Ffordd y Môr", "Stryd y Capel", "Rhodfa'r Gogledd", "Bryn Eithin",
}

var houseNames = []string{
	"Rose Cottage", "Ty Gwyn", "The Old Rectory", "Bryn Awel", "Hafod", "Glan yr Afon",
	"Orchard House", "The Stables", "Ivy Cottage", "Pen y Bryn", "Maes Teg", "The Coach House",
}

var localities = []string{
	"Penparcau", "Llanbadarn Fawr", "Bow Street", "Cathays", "Roath", "Sketty",
	"Mumbles", "Headington", "Cowley", "Chesterton", "Heworth", "Didsbury",
	"Ecclesall", "Kingsdown", "Southville", "St Thomas", "Newtown", "Westbury",
}

// place ties a town to real postcode outward codes and its dialling code so
// that an address, its postcode and a landline agree as they would in life.
type place struct {
	town, county string
	outs         []string // outward codes, all format-valid
	dial         string   // geographic code, with the leading 0
}

var places = []place{
	{"Cardiff", "", []string{"CF10", "CF11", "CF14", "CF23", "CF24", "CF5"}, "029"},
	{"Swansea", "", []string{"SA1", "SA2", "SA3", "SA5", "SA6"}, "01792"},
	{"Newport", "Gwent", []string{"NP10", "NP19", "NP20"}, "01633"},
	{"Aberystwyth", "Ceredigion", []string{"SY23", "SY24"}, "01970"},
	{"Bangor", "Gwynedd", []string{"LL57"}, "01248"},
	{"Wrexham", "", []string{"LL11", "LL12", "LL13"}, "01978"},
	{"Carmarthen", "Carmarthenshire", []string{"SA31", "SA33"}, "01267"},
	{"Llandrindod Wells", "Powys", []string{"LD1"}, "01597"},
	{"Brecon", "Powys", []string{"LD3"}, "01874"},
	{"Bristol", "", []string{"BS1", "BS3", "BS6", "BS7", "BS16"}, "0117"},
	{"Bath", "Somerset", []string{"BA1", "BA2"}, "01225"},
	{"Exeter", "Devon", []string{"EX1", "EX2", "EX4"}, "01392"},
	{"Truro", "Cornwall", []string{"TR1", "TR4"}, "01872"},
	{"Taunton", "Somerset", []string{"TA1", "TA2"}, "01823"},
	{"Cheltenham", "Gloucestershire", []string{"GL50", "GL51", "GL52"}, "01242"},
	{"Oxford", "Oxfordshire", []string{"OX1", "OX2", "OX3", "OX4"}, "01865"},
	{"Cambridge", "Cambridgeshire", []string{"CB1", "CB2", "CB4"}, "01223"},
	{"Norwich", "Norfolk", []string{"NR1", "NR2", "NR3"}, "01603"},
	{"St Albans", "Hertfordshire", []string{"AL1", "AL3", "AL4"}, "01727"},
	{"Guildford", "Surrey", []string{"GU1", "GU2"}, "01483"},
	{"Kingston upon Thames", "Surrey", []string{"KT1", "KT2"}, "020"},
	{"Twickenham", "Middlesex", []string{"TW1", "TW2"}, "020"},
	{"Sutton", "Surrey", []string{"SM1", "SM2"}, "020"},
	{"London", "", []string{"SW1A", "EC1A", "WC2H", "W1D", "N1C", "E1W", "SE1", "N7", "E17", "SW19"}, "020"},
	{"Eastbourne", "East Sussex", []string{"BN20", "BN21", "BN22"}, "01323"},
	{"Winchester", "Hampshire", []string{"SO22", "SO23"}, "01962"},
	{"Portsmouth", "Hampshire", []string{"PO1", "PO4", "PO5"}, "023"},
	{"Harrogate", "North Yorkshire", []string{"HG1", "HG2"}, "01423"},
	{"York", "", []string{"YO1", "YO10", "YO31"}, "01904"},
	{"Sheffield", "South Yorkshire", []string{"S1", "S10", "S11"}, "0114"},
	{"Leeds", "West Yorkshire", []string{"LS1", "LS6", "LS8"}, "0113"},
	{"Manchester", "", []string{"M1", "M14", "M20"}, "0161"},
	{"Stockport", "Cheshire", []string{"SK1", "SK4"}, "0161"},
	{"Liverpool", "Merseyside", []string{"L1", "L8", "L17"}, "0151"},
	{"Southport", "Merseyside", []string{"PR8", "PR9"}, "01704"},
	{"Birmingham", "West Midlands", []string{"B1", "B13", "B29"}, "0121"},
	{"Leicester", "Leicestershire", []string{"LE1", "LE2"}, "0116"},
	{"Newcastle upon Tyne", "Tyne and Wear", []string{"NE1", "NE2", "NE6"}, "0191"},
	{"Carlisle", "Cumbria", []string{"CA1", "CA2"}, "01228"},
	{"Edinburgh", "", []string{"EH1", "EH3", "EH10"}, "0131"},
	{"Glasgow", "", []string{"G1", "G12", "G41"}, "0141"},
	{"Inverness", "Highland", []string{"IV2", "IV3"}, "01463"},
	{"Aberdeen", "", []string{"AB10", "AB11", "AB24"}, "01224"},
	{"Kirkwall", "Orkney", []string{"KW15"}, "01856"},
	{"Shrewsbury", "Shropshire", []string{"SY1", "SY3"}, "01743"},
	{"Hereford", "Herefordshire", []string{"HR1", "HR4"}, "01432"},
	{"Chester", "Cheshire", []string{"CH1", "CH2"}, "01244"},
}

var emailDomains = []string{
	"gmail.com", "gmail.com", "gmail.com", "googlemail.com", "hotmail.co.uk", "hotmail.com",
	"outlook.com", "live.co.uk", "yahoo.co.uk", "yahoo.com", "btinternet.com", "sky.com",
	"virginmedia.com", "talktalk.net", "icloud.com", "me.com", "aol.com", "protonmail.com",
	"ntlworld.com", "tiscali.co.uk", "blueyonder.co.uk", "aber.ac.uk", "ymail.com", "proton.me",
}

// Parties and canvass codes as they appear on UK walk sheets.
var partyCodes = []string{"LD", "LD", "Lab", "Con", "Grn", "Ref", "PC", "SNP", "Ind", "DK", "WV", "Against"}

var canvassResults = []string{"Canvassed", "Not Home", "Not Home", "Refused", "Moved", "Inaccessible", "Deceased", "Come Back"}

var canvassIssues = []string{
	"potholes", "bins", "parking", "GP access", "school places", "buses", "planning",
	"river pollution", "cost of living", "dog fouling", "speeding", "broadband",
}

var canvassComments = []string{
	"", "", "", "", "Was LD last time", "Wants postal vote form", "Dog — knock loudly",
	"Lives with mother, carer", "Poster site?", "Angry about the bypass", "Works nights, call after 4",
	"Interested in delivering", "Said \"never again\" after 2015", "Not on register at this address",
}

var wardNames = []string{
	"Aberystwyth Bronglais", "Aberystwyth Penparcau", "Llanbadarn Fawr", "Faenor", "Ceulanamaesmawr",
	"Cathays", "Plasnewydd", "Penylan", "Heath", "Llandaff North", "Sketty", "Uplands",
	"Castle", "Mumbles", "Bishopston", "Kingsdown", "Cotham", "Redland", "Southville", "Clifton",
}

var orgNames = []string{
	"Llanbadarn Community Council", "Penparcau Family Centre", "Ceredigion Citizens Advice",
	"Friends of Plascrug Park", "Aberystwyth Food Bank", "Cathays Residents' Association",
	"Roath Local History Society", "Swansea Bay Rowing Club", "Mumbles Lifeboat Station",
	"Kingsdown Allotments Society", "Cotham Parish Church", "Redland Green Bowls Club",
	"Southville Community Development Association", "Bristol Cycling Campaign", "Oxford Civic Society",
	"Cowley Road Carnival", "Headington Action", "Chesterton Village Hall", "Norwich Theatre Royal",
	"St Albans Museum Friends", "Eastbourne Hospice Shop", "Harrogate Choral Society",
}

var products = []string{
	"Window poster A3", "Correx board 600x900", "Stake 1.2m", "Cable ties (100)", "Rosette, gold",
	"Leaflet bag, hi-vis", "Clipboard A4", "Rain cover for clipboard", "Pen, gold (50)",
	"Umbrella, branded", "Tote bag", "Mug, 'Winning Here'", "Badge, bird of liberty", "Sticker sheet",
	"Lanyard", "Tabard, hi-vis", "Doorstep pads (walk sheet)", "Envelopes C5 (500)", "Franking labels",
	"Paper A4 80gsm box", "Toner cartridge", "Risograph ink, black", "Risograph master roll",
	"Gazebo 3x3m", "Table cover", "Banner 2m", "Bunting 10m", "Balloon pack",
}
