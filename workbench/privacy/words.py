"""Word lists for the entity scan (``privacy.entities``): given names, words that only look like names, and
places too big to identify anyone.

Written for this project from general knowledge (no package's list was copied). Every list is lower case and
is matched against a word lower-cased; a given name that is also an ordinary English word ("will", "grace",
"hope") is kept apart in ``AMBIGUOUS_GIVEN`` and counts as a name only with other evidence (a relationship
word before it, or the language model calling it a person).
"""

from __future__ import annotations


def _words(*blocks: str) -> frozenset[str]:
    return frozenset(w.lower() for block in blocks for w in block.split())


# ---- given names, by origin (spellings as commonly written in England) ------------------------------------
_ENGLISH = """
aaron abbie abby abigail ada adam adrian aiden aidan alan albert alex alexander alexandra alexis alfie alfred
alice alicia alison amanda amelia amy andrea andrew andy angela angus anna anne annie anthony archie arthur
ashley ashton austin ava barbara barry beatrice becky bella ben benjamin bernard beth bethany betty beverley
billy blake bobby bradley brandon brenda brett brian bridget brooke bryony caitlin callum cameron carl carla
carol caroline carolyn casey catherine charlie charlotte chelsea cheryl chloe chris christine christopher
ciara clara clare claire colin connor conor corey courtney craig daniel danielle danny darren david dean debbie
deborah declan dennis derek diane dominic donna dylan edward eleanor elizabeth ella ellie eloise emily emma
eric erin ethan evelyn evie fiona florence francesca freddie frederick freya gail gareth gary gavin gemma
george georgia georgina gerald gillian gordon graham gregory hannah harley harriet harrison harry harvey
hayley helen henry hollie howard hugh hugo ian imogen isaac isabel isabella isabelle isla jack jackson jacob
jake james jamie jane janet janice jasmine jason jayden jaden jaiden jean jeffrey jemma jenna jennifer jenny
jeremy jessica jodie joe joel john jonathan jordan joseph josephine josh joshua julia julie justin karen kate
katherine kathleen kathryn katie kayden kayla keeley keith kelly kenneth kerry kevin kieran kyle lacey laura
lauren leah lee leigh leo leon lewis liam linda lindsey lisa logan lola louis louise lucas lucy luke lydia
lynn lynne maddison madison maisie margaret maria marie marion martin mason matilda matthew maureen maxine
megan melanie melissa michael michelle millie mitchell molly morgan natalie nathan neil nicholas nicola
nicole noah oliver olivia oscar owen paige pamela patricia paul paula pauline peter philip phoebe poppy
rachel rebecca reece rhys richard rita robert robyn roger ronald ronnie rosie ross ruth ryan sally samantha
samuel sandra sarah scarlett scott sean shane shannon sharon shaun sheila shirley simon sophie sophia stacey
stanley stephanie stephen steven stuart susan suzanne tanya teresa theo theodore thomas tia tiffany timothy
tina toby tom tommy tony tracey tracy trevor tyler valerie vanessa vicky victoria vincent wayne wendy william
yvonne zac zachary zara zoe zoë lilly millie-mae kai kacey kaylee leanne kirsty kylie jodie-leigh demi
reggie ronan rory frankie elsie edie esme harper hallie maya mya ivy-mae libby lexi lexie luca mia
nevaeh ocean roman rowan sienna skye tilly tobias willow wilf wilfred winston wyatt zack alfie-james
brayden braydon cody colby dexter ellis finley finlay harlow jenson kenzie kobe layla leyla lyla macie
macey mackenzie marley mollie nathaniel oakley ollie paisley riley ruben sebastian stevie tommy-lee
tyrone kyron kian kieron jayce jaxon jax keira kiera tegan teagan tianna trinity abbi bradley-james
dolly elsie-may evie-rose jessie keeley-ann lacie-mae lucie macy nellie peggy pippa ralph reuben
rosa rosalind shirley sydney sidney tabitha thea vera vivienne walter winifred
"""
_IRISH_SCOTTISH_WELSH = """
aoife aisling ciaran cillian niamh siobhan sinead saoirse orla orlaith padraig padraic seamus eoin eamon
eamonn oisin fionn darragh cormac ronan aine roisin grainne una fergal donal kieran caoimhe clodagh deirdre
dermot diarmuid mairead maeve nuala ruairi seanna tadhg brendan colm colum niall ailbhe eabha sorcha
ewan euan hamish iain isla morag mhairi kirsty lachlan callum alasdair alistair fraser murdo catriona eilidh
rhona shona struan gregor finlay ross douglas dougie kenzie calum
rhys dafydd gethin rhiannon sian cerys ffion bethan carys dylan emrys gareth geraint glyn gwen gwyneth huw
ieuan iwan llinos lowri meinir nia owain rhodri seren tomos catrin aled alun bronwen branwen elin eleri
"""
_POLISH_CENTRAL_EUROPE = """
agnieszka aleksandra aleksander andrzej anna barbara bartosz bartek beata bogdan dariusz dawid dominika
dorota ewa filip grzegorz hanna igor iwona jakub janusz jarek jaroslaw jerzy joanna julia justyna kacper
kamil karol karolina katarzyna kasia krzysztof lena lukasz łukasz maciej magdalena magda malgorzata małgorzata
marcin marek mariusz marta mateusz michal michał mikolaj mikołaj natalia oliwia oliwier patryk paulina
pawel paweł piotr przemek przemyslaw radek rafal rafał robert sebastian szymon tomasz wiktor wiktoria wojciech
zbigniew zofia zuzanna zosia kuba wojtek bartłomiej jędrzej stanisław stanislaw tadeusz wiesław
łucja lucja wanda halina jadwiga krystyna grażyna renata sylwia urszula weronika amelia antoni franciszek
jan adam ignacy leon nikola milena gabriela klaudia kinga izabela emilia marzena ilona
petr pavel jiri jiří tomas tomáš lucie tereza eliska eliška marketa jana zuzana martina miroslav milan
peter lubos ľuboš ivana veronika gabor gábor zoltan zoltán laszlo lászló istvan istván katalin zsofia zsófia
attila balazs balázs bence eszter dora dóra reka réka
"""
_ROMANIAN_BALKAN = """
andrei alexandru adrian alin bogdan catalin cătălin ciprian constantin cosmin cristian daniel darius denisa
dorin dumitru florin florentina gabriel george gheorghe ioana ion ionut ionuț iulia iulian larisa liviu lucian
madalina mădălina marius mihai mihaela mirela nicoleta ovidiu petru radu raluca razvan răzvan roxana sorin
stefan ștefan teodora valentin vasile viorel violeta alina andreea bianca camelia corina cristina diana
elena ionela irina loredana oana simona anca adela ana-maria
dragan goran ivan jelena marko milica nikola stefan vesna zoran dejan bojan snezana ana luka
dimitar georgi ivanka petar svetlana teodor yordan mariya desislava
arben besnik blerina drita elira enkel erion gentian ilir klodian kujtim liridon mimoza valbona fatmir
"""
_BALTIC_EAST_EUROPE = """
aistė aiste andrius arnas dainius darius egidijus gediminas giedrė giedre ieva indrė jonas jurgita justas
karolis kęstutis kestutis laura lukas mantas marius mindaugas modestas monika nerijus paulius rasa rūta ruta
saulius simonas tadas tomas vaida vaidas vytautas žygimantas zygimantas agnė agne gabija emilija kotryna
andris arturs artūrs ilze inese janis jānis kristaps laima liga līga maris māris raimonds santa zane
aleksei alexei anastasia dmitri dmitry ekaterina irina maksim maxim natasha nikita oksana olga sergei sergey
svetlana tatiana vladimir yulia yuri oleksandr olena taras vitalii viktoriia mykola andriy bohdan
"""
_SOMALI_EAST_AFRICA = """
abdi abdirahman abdirizak abdiaziz abdullahi abdiqani abdikarim abshir ahmed amina asha ayan ayaan bashir
deeqa farah fadumo faduma filsan hamdi hodan hibo hussein ikran idil ilhan istahil khadra liban mohamed
mohamud muna mustafa naima nasra omar qamar ruqia sagal samira saciid sahra shukri suad sumaya ubah warsame
xamdi xaliimo yasmin yusuf zamzam abdiwali abdulkadir ayanle guled hassan jama jibril nuur sadia sacdiyo
hamza ismail dahir adan aden mursal mukhtar farhan fartun sucaad hawa halima hinda ifrah kowsar nimco
yonas yohannes tesfaye tesfay kidane mehari mebrahtu selam senait semhar hiwet helen saba winta filmon
dawit daniel abel bereket biniam eyob fiori luwam merhawi natnael rahel ruta samrawit senay tekle
tsega yemane yonatan yordanos aster almaz genet tigist meron mekdes tewodros abebe girma haile kebede
"""
_WEST_AFRICAN = """
ade adebayo adewale adeola adeyemi adaeze adaora adesuwa akin akinyi akua akosua ama amara amarachi amaka
ayo ayodele ayomide babajide bisi bolaji bola chidi chidinma chiamaka chidera chiara chibuike chike chinedu
chinonso chinwe chioma chisom chukwuemeka chukwudi damilola dayo ebere ebuka efua ejike emeka eniola
femi folake folasade funmi funmilayo ifeoma ifeanyi ijeoma ikenna kayode kehinde kemi kwabena kwadwo kwaku
kwame kwasi kofi kojo lanre nkechi nkem nnamdi nneka obinna oluchi olamide olawale olu oluwaseun oluwatobi
oluwadamilare onyeka oyin segun seun sola somto tayo temi temitope tobi tobenna tolu tunde uche uchenna
yemi yetunde zainab abena afia akwasi esi kweku kwesi nana ekow yaw yaa adwoa efe osagie osaro eki
ngozi obi ugo ugochi udoka tochukwu tochi ebube oge obiageli babatunde olumide oladipo adunni jumoke
"""
_SOUTH_ASIAN = """
aarav aarti aditya ajay ajit akash amandeep amar amarjit amrit amrita anand anil anita anjali ankit anup
arjun arun arvind ashok asha avtar baljit balbir baldev balwinder bhupinder charanjit darshan deepa deepak
devinder dilip gagandeep gurdeep gurinder gurjit gurmeet gurpreet gurvinder harbhajan hardeep harjit harjinder
harpal harpreet harvinder inderjit jagdeep jagjit jaswinder jasbir jaspreet jasvir jatinder jaya jitendra
kamaljit kamal kanwal karan kavita kiran kuldip kuldeep kulwinder lakhbir lakhvir madhu mahesh mandeep manjit
manpreet manoj meena mohinder mona navdeep navjot navneet neelam neha nikhil nirmal nisha parminder parveen
pooja prakash pradeep pritam priya priyanka pushpa rahul rajesh rajinder rajiv rakesh ramesh ranjit ravi
ravinder reena rekha ritu rohit sandeep sanjay sanjeev santosh sarabjit satnam satwant simran sukhdeep
sukhwinder sunil sunita surinder suresh sushil tarsem usha varinder vijay vikram vinod yash amreen
arjan harnoor jasleen japneet harleen prabhjot gurleen sehaj ekam ishaan ishan aryan vihaan reyansh
dev krish rohan sai shreya ananya diya isha kavya meera nandini pallavi radha riya saanvi tanvi
aaliyah aisha ayesha aamir abdul adil afzal ahmad akram ali aliya amir amjad anwar arif asad asif asim
aslam ayaz azhar bilal danish faisal faizan farhan farooq fatima faiza ghulam habib hafsa haris haroon
hina humaira husna iqbal imran irfan ishaq jamal javed junaid kamran kashif khalid khurram laiba maham
mahnoor majid maryam mehwish mohsin mubarak mudassar muhammad mohammed mohammad muneeb nabeel nadeem nadia
naeem nasir naveed nazia noor numan owais qasim rabia rafiq rahim raheel rashid rehman riaz rizwan
rubina saba sadaf saeed safia sajid salman samina sana saqib shabana shafiq shahid shahzad shakeel shazia
shoaib sidra sobia sohail sumaira tahir talha tanveer tariq uzma waqar waseem yasir zahid zain zara zeeshan
zubair zulfiqar ayaan ibrahim musa hamza zayn zayan rayyan eshal inaya anaya hania
abu anwara ashraf delwar dilwar fahim fahmida habiba hasina jahanara jahangir kamrul mahbub mahmuda
mizanur monir moushumi nasima nazrul rahima rahman rashida rezaul rubel ruma sabina shahana shamim
shamima shefali shirin sultana tahmina taslima tasnim tanjila tanzila rumana rukhsana shuhel sabbir sadia
ayan arif arafat tahmid tamim nusrat jannat
"""
_ARABIC_TURKISH_KURDISH = """
abdallah abdullah abdel adnan ahmed ahlam alaa amal amina amir anas ayman aziz bashar basma dalia eman fadi
farid fatima fouad ghada hadi hala hamid hanan hani hassan hiba hussain hussein ibrahim ihab ilham imad
iman issa jamila jana karim khaled khalil laila layla lina mahmoud majed malak malik mariam marwa maya
mohannad mona mostafa mustafa nabil nada nadia nasser nour omar osama rami rania reem rima said salim salma
sami samir sara sarah shadi suleiman tarek tareq walid wael yara yasmin yasmine youssef yousef yusuf zaid
zakaria zeinab zaynab ahmet ali ayse ayşe aylin burak can cem cemal deniz ebru elif emine emre esra fatih
fatma gizem gul gül hakan hatice huseyin hüseyin ibrahim ilker ilkay kemal leyla mehmet melek meryem murat
mustafa nur ozge özge ozan recep selin serkan sevgi sinan tolga tuba ugur uğur yasin yusuf zeynep
azad baran berivan dilan dilshad hevi jiyan kawa nasrin rebin renas rojda rojin shilan shvan soran zana
zilan hiwa hawre darya diyar karwan hemin hozan peshawa sirwan
"""
_EAST_SOUTHEAST_ASIAN = """
wei wang li ming hui jing jun yan yang xin xiao lei lin hao chen fang hong jie jian kai ling mei na ning
qiang qing rui shan tao ting xiu yi ying yong yu yun zhen zhi zhong bo chun dan feng gang guo hua
junjie jiayi xinyi yuxin zihan zixuan haoran yutong yuchen mingyu xiaoming xiaoling jiahui
anh binh chau cuong dung duc giang hai hanh hien hoa hoang hung huong huy khanh lan linh long mai minh my
nam nga ngoc nhung phuong quang quynh son tam thanh thao thi thu thuy tien trang trinh trung tuan tung
van viet vinh xuan yen dao hieu loan nhi phuc tuyet uyen
"""
_CARIBBEAN_AFRICAN_DIASPORA = """
andre andrea antoine cedric delroy desmond dwayne errol everton fitzroy garfield jermaine jerome kemar
kemoy kimani leroy lloyd marcia marlon nadine neville oneil o'neil roxanne shanice shaniqua sharlene
shemar tevin trevon winston yolanda aaliyah akeem ashanti daquan deshawn jamal jamar jamila jaylen
kareem keisha kenisha latoya malik marcus nia precious shaquille tanisha tyrell tyrese tyrone
imani jahmal jahmai jaheim jayden-lee kayla-mae kymani makeda nyah nyla rashida zion
"""
_OTHER = """
ahmed aleksandr alessandro alessia amadou ana anastasia antonio beatriz bruno carlos carmen catarina
cristiano diego eduardo elena enzo fabio federico fernanda francesco gabriel giorgio giovanni giulia
giuseppe hugo ines inês isabela joao joão jorge jose josé juan laura leonardo lorenzo lucia luis luís
manuel marco mariana mateo matteo miguel nuno paolo pedro rafael ricardo rodrigo rui sara sofia tiago
valentina vittoria adriana andreia bernardo duarte goncalo gonçalo rita tomás
hans jürgen jurgen klaus lukas maximilian niklas sven ingrid astrid lars nils bjorn björn freja
dimitris giorgos konstantinos maria eleni katerina nikos yiannis
shlomo moshe yosef chaim rivka esther miriam yitzchak avraham devorah shira
kwaku koffi mamadou moussa fatou aminata awa ousmane ibrahima seydou
tendai tatenda tafadzwa farai chipo rutendo nyasha kudzai tinashe thandiwe themba sipho lerato
thabo zanele nomvula precious blessing gift memory patience mercy
"""

GIVEN_NAMES: frozenset[str] = _words(_ENGLISH, _IRISH_SCOTTISH_WELSH, _POLISH_CENTRAL_EUROPE, _ROMANIAN_BALKAN,
                                     _BALTIC_EAST_EUROPE, _SOMALI_EAST_AFRICA, _WEST_AFRICAN, _SOUTH_ASIAN,
                                     _ARABIC_TURKISH_KURDISH, _EAST_SOUTHEAST_ASIAN, _CARIBBEAN_AFRICAN_DIASPORA,
                                     _OTHER)

# Given names that are also everyday English words (or that start many sentences): a name only with more evidence.
AMBIGUOUS_GIVEN: frozenset[str] = _words("""
will grace hope joy faith may june april august mark bill rose dawn summer amber ruby jade crystal holly ivy
lily daisy rich frank art gene guy pat sue sunny iris violet pearl autumn sky storm rain heather brook chase
hunter mason cash sage bob ray don jack penny ginger destiny patience mercy blessing gift memory precious
honey misty river angel star sterling drew miles neil dean rod sandy dusty chance royal justice king prince
duke earl major bishop marshall carter cooper baker taylor porter parker tanner archer harper piper
sonny melody harmony lavender poppy saffron jasmine willow hazel olive clementine primrose
amen bella china india kenya jordan georgia chad nana sol sun star nur nana ali
""".replace(" jordan", "").replace(" ali", ""))

# ---- words that look like names but are not: the services around a child, roles and placeholders ------------
# Multi-word phrases are matched as phrases (any case); one-word entries as words.
PROFESSIONAL_PHRASES: tuple[str, ...] = tuple(p.strip() for p in """
early help|children's services|childrens services|children's social care|social care|social services|
social work|social worker|local authority|working together|child protection|child in need|children in need|
looked after|care leaver|care leavers|family court|high court|crown court|magistrates court|magistrates' court|
youth court|front door|family hub|family hubs|early help hub|children's centre|childrens centre|sure start|
virtual school|youth offending|youth justice|youth offending team|leaving care|independent reviewing officer|
special guardianship|special guardianship order|care order|supervision order|emergency protection order|
public law outline|initial child protection conference|review child protection conference|core group|
strategy meeting|strategy discussion|section 47|section 17|section 20|family group conference|
team around the family|team around the child|troubled families|supporting families|families first|
child and adolescent mental health services|adult social care|mental health|domestic abuse|domestic violence|
multi-agency safeguarding hub|designated safeguarding lead|health visitor|health visiting|school nurse|
family support|family support worker|personal adviser|personal advisor|foster care|kinship care|
residential care|children's home|childrens home|education health and care plan|education psychologist|
educational psychologist|police station|a and e|a&e|accident and emergency|citizens advice|job centre|
jobcentre|jobcentre plus|universal credit|child benefit|housing benefit|council tax|the council|the local authority|
department for education|home office|ministry of justice|cafcass|ofsted|barnardo's|barnardos|nspcc|
action for children|the children's society|childline|women's aid|refuge|red cross|salvation army|
the north|the south|the midlands|the north east|the north west|the south east|the south west|
east midlands|west midlands|greater manchester|west yorkshire|south yorkshire|east anglia|the home counties|
young person|young people|key worker|link worker|lead professional|support worker|family practitioner|
senior practitioner|team manager|service manager|head teacher|headteacher|deputy head|class teacher|
primary school|secondary school|high school|special school|the school|the gp|the hospital|the nursery|
the college|the academy|the surgery|the estate|
""".split("|") if p.strip())

PROFESSIONAL_WORDS: frozenset[str] = _words("""
mash camhs cahms ofsted police nhs nspcc barnardo barnardos cafcass senco send sen ehcp ehc dsl iro lado
marac mappa cin cp lac cla pwp ssw asw sw fsw ft fgc cse cce cme gp a&e ae iapt dwp hmrc ucas ofqual
council authority services service team unit hub panel conference plan review assessment order court
board forum partnership agency trust foundation network project programme scheme centre center
department directorate office station clinic ward hospital surgery practice school academy college
nursery university police constabulary probation social care help children's childrens children family
families parent parents carer carers worker workers practitioner practitioners manager managers officer
officers professional professionals education health housing safeguarding protection justice youth
mum mam mom mummy mommy dad daddy nan nanna nanny gran granny grandma grandmother grandad granddad grandpa
grandfather auntie aunty aunt uncle cousin brother sister son daughter baby stepdad stepmum partner
boyfriend girlfriend husband wife ex child kid kids teen teenager toddler infant
interviewer interviewee participant respondent facilitator researcher speaker moderator
name surname redacted anonymised anonymized removed unknown inaudible crosstalk laughs laughter pause
placeholder person people someone somebody anyone anybody
""")

# Brands, platforms and the like.
BRANDS: frozenset[str] = _words("""
tesco asda sainsbury sainsbury's sainsburys morrisons aldi lidl iceland waitrose primark argos boots
mcdonald's mcdonalds kfc greggs costa starbucks subway nando's nandos domino's dominos amazon ebay google
youtube facebook instagram snapchat tiktok whatsapp twitter x messenger discord roblox fortnite minecraft
xbox playstation nintendo netflix disney iphone android apple samsung microsoft teams zoom skype facetime
uber deliveroo vodafone o2 ee virgin sky bt ikea paypal gumtree rightmove zoopla facebook's
""")

# Countries, nations and regions of the UK, and cities and large towns: too big to point at anyone.
BIG_PLACES: frozenset[str] = _words("""
england scotland wales ireland britain uk gb europe africa asia america australia canada india pakistan
bangladesh nigeria ghana somalia eritrea ethiopia sudan syria iraq iran afghanistan turkey poland romania
lithuania latvia estonia bulgaria albania kosovo serbia croatia hungary slovakia czechia ukraine russia
germany france spain portugal italy greece china vietnam jamaica trinidad barbados zimbabwe kenya uganda
congo egypt libya yemen morocco algeria tunisia brazil mexico usa philippines malaysia sri lanka nepal
london birmingham manchester liverpool leeds sheffield bristol newcastle nottingham leicester coventry
bradford hull york sunderland wolverhampton derby stoke plymouth southampton portsmouth brighton reading
oxford cambridge norwich ipswich luton milton keynes northampton peterborough swindon exeter bath
gloucester cheltenham worcester hereford shrewsbury chester preston blackpool blackburn bolton bury oldham
rochdale stockport salford wigan warrington huddersfield wakefield doncaster rotherham barnsley middlesbrough
durham carlisle lancaster lincoln grimsby scunthorpe mansfield chesterfield walsall dudley solihull
southend chelmsford colchester basildon canterbury maidstone crawley guildford slough watford stevenage
bournemouth poole cardiff swansea newport glasgow edinburgh aberdeen dundee belfast derry kent essex
surrey sussex yorkshire lancashire cornwall devon dorset somerset norfolk suffolk cumbria northumberland
merseyside midlands wessex hackney camden islington lambeth southwark croydon tower hamlets newham
""")

# Words that may be capitalised in speech without being names (beyond the lists above): the commonest English
# words, and ones a transcript capitalises (days, months, festivals, speech markers).
COMMON_WORDS: frozenset[str] = _words("""
a about above across actually after again against ah ahh all almost alone along already also although always
am among an and another any anyway anything apparently are around as ask asked at away back bad basically be
because been before being believe below best better between big bit both but by call called came can cannot
can't could couldn't course day days did didn't different do does doesn't doing don't done down during each
early either else end enough especially even ever every everyone everything exactly family far few finally
first for found from fine get getting give go going gone good got great had hadn't half happened happy has
hasn't have haven't having he he'd he'll he's hello help her here here's hers herself hey hi him himself his
home honestly how however hmm i i'd i'll i'm i've if in indeed instead is isn't it it's its itself just keep
kind know knew last later least less let let's life like little long look lot lots made make many maybe me
mean meanwhile might mine more most mostly much must my myself never new next nice no nobody none nor not
nothing now obviously of off oh ok okay old on once one only or other others otherwise our ours out over own
perhaps please point probably quite rather really right said same say says see seem seemed she she'd she'll
she's should shouldn't since so some somehow something sometimes soon sorry still such sure take than thank
thanks that that's the their theirs them themselves then there there's therefore these they they'd they'll
they're they've thing things think this those though through thus till time to today together tomorrow too
totally two three four five six seven eight nine ten twenty hundred thousand under unless until up upon us
very want wanted was wasn't way we we'd we'll we're we've well went were weren't what what's whatever when
where whereas whether which while who whoever whole whom whose why with within without won't would wouldn't
yeah yep yes yesterday yet you you'd you'll you're you've your yours yourself um uh er erm mm mhm uhm ah oh ooh
anyway anyhow alright cheers bye goodbye sir madam miss mister ma'am
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december christmas easter eid diwali ramadan hanukkah halloween bonfire
god jesus allah lord bible quran koran christian muslim hindu sikh jewish buddhist catholic protestant
english british irish scottish welsh polish romanian somali nigerian ghanaian indian pakistani bengali
bangladeshi arabic turkish kurdish chinese vietnamese jamaican caribbean african asian european eastern western
black white mixed traveller gypsy roma
covid coronavirus lockdown brexit internet
first second third fourth fifth year years month months week weeks morning afternoon evening night
new old young little big small great good bad best last next other same own whole full
mr mrs ms miss dr sir dame lady lord
north south east west northern southern central upper lower greater old new royal saint st high
level levels gcse gcses a-level a-levels btec maths english science history geography art music pe re
year reception nursery primary secondary infant infants junior juniors sixth form
covid-19 tv dvd ok mp mps pm
hospital school college academy nursery road street avenue lane close
""")
