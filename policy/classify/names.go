package classify

// firstNames are common given names in the UK and Wales. A column of
// name-shaped values is taken as people's names from content alone only when
// many of them hold one of these; without a header nothing else tells a
// list of people from a list of things with two capitalised words.
var firstNames = toSet(`
adam adrian aidan alan albert alex alexander alexandra alfie alice alison amanda amber amelia amy
andrew angela ann anna anne anthony archie arthur ava barbara ben benjamin beth bethan betty brian
bryn carl carol caroline carys catherine cerys charles charlie charlotte chloe chris christina
christine christopher claire clare colin craig daniel david dawn deborah debra denise dennis derek
dewi diane donna dorothy dylan eddie edward eira eleanor elizabeth ella ellie emily emma emrys eric
evan evie fiona florence frances frank freddie freya gareth gary gavin geoffrey george georgia
geraint gethin glenys glyn gordon grace graham gwen gwyn gwyneth hannah harriet harry harvey hayley
heather helen henry hollie holly hugh huw iain ian ioan iolo irene isabel isabella isabelle isla
isobel jack jacob james jamie jane janet janice jason jean jennifer jenny jessica jill joan joanne
john jonathan joseph josh joshua joyce judith julie karen kate katherine kathleen kathryn katie
keith kelly kenneth kevin kieran kim laura lauren leah lee leo lesley leslie lewis liam lily linda
lisa llinos llyr lowri lucy luke lynne maisie malcolm mared margaret maria marian marie mark martin
mary matthew megan melanie mia michael michelle mike mohammed muhammad nadia naomi natalie nathan
neil nia nicola nicholas nigel noah oliver olivia owain owen pamela patricia patrick paul pauline
peter philip phillip poppy rachel rebecca rhian rhiannon rhodri rhys richard rita robert robin
rosemary ross ruby ruth ryan sally samantha samuel sandra sara sarah scott sean sharon sheila shirley
sian simon sioned sophie stephanie stephen steve steven stuart susan suzanne taliesin teresa terry
thomas timothy tom tomos tony tracey tracy trevor valerie vanessa victoria vincent wendy william
yvonne zoe zara aled angharad alun dafydd elin ffion gruffydd gwenllian hywel iwan jac manon menna
morgan nerys osian rhodri seren tegan wyn aisha amir fatima hassan imran omar priya raj ravi sunita
`)
