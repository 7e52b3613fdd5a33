"""Name stock of the populations a Balkan anti-trafficking registry sees.

Each population lists its commonest surnames and given names in the native
spelling (head of the distribution, most frequent first) plus roots and
suffixes from which a long tail of rarer surnames is built. Frequencies are
Zipf-like with a population-specific exponent, so that, as in real
populations, the commonest surname carries several percent of the people
(Mammadov far more in Azerbaijan) and many different persons share a full
name. ``script`` is how the population's own institutions write names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Population:
    key: str
    weight: float  # share of persons in the registry
    citizenships: tuple[tuple[str, float], ...]
    script: str  # "latin", "sr_cyr", "mk_cyr", "uk_cyr", "ru_cyr", "bg_cyr"
    surnames: tuple[str, ...]
    roots: tuple[str, ...]
    suffixes: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    places: tuple[str, ...]
    zipf_surname: float = 0.75
    zipf_given: float = 0.8
    female_surname: tuple[tuple[str, str], ...] = ()  # suffix rewrites for women (-ov -> -ova)


POPULATIONS: tuple[Population, ...] = (
    Population(
        "albanian", 0.24, (("XK", 0.7), ("AL", 0.2), ("MK", 0.1)), "latin",
        ("Krasniqi", "Gashi", "Berisha", "Morina", "Shala", "Bytyqi", "Hoxha", "Kryeziu",
         "Hasani", "Ahmeti", "Rexhepi", "Hyseni", "Gjoka", "Kelmendi", "Rama", "Thaçi",
         "Osmani", "Salihu", "Mustafa", "Shehu", "Zeqiri", "Qerimi", "Haxhiu", "Bajrami",
         "Jashari", "Dervishi", "Llapashtica", "Sopi", "Halili", "Ismaili", "Limani",
         "Kastrati", "Dushku", "Lleshi", "Musliu", "Përteshi", "Ibrahimi", "Sejdiu"),
        ("Arif", "Bekim", "Dem", "Fet", "Gjon", "Hajd", "Islam", "Jakup", "Kadr", "Lul",
         "Mehmet", "Nez", "Qazim", "Ram", "Sal", "Tah", "Vesel", "Xhem", "Zen", "Bal"),
        ("i", "aj", "a", "iu", "ja", "ri"),
        ("Arben", "Besnik", "Driton", "Fatmir", "Agron", "Bekim", "Valon", "Ilir", "Mehmet",
         "Bujar", "Blerim", "Gëzim", "Hysen", "Xhevdet", "Qazim", "Skënder", "Gjergj",
         "Gjon", "Pjetër", "Kolë", "Ismail", "Ibrahim", "Jakup", "Ardian", "Dardan",
         "Liridon", "Shpëtim", "Florim", "Lulzim", "Naim", "Enver", "Nexhat", "Rexhep"),
        ("Drita", "Mimoza", "Vjosa", "Blerta", "Arta", "Fatime", "Shqipe", "Valbona",
         "Lindita", "Teuta", "Merita", "Arbërie", "Donika", "Edona", "Albulena", "Besa",
         "Flutura", "Afërdita", "Hana", "Leonora", "Elona", "Qëndresa", "Mirjeta", "Ajshe",
         "Zenepe", "Lejla", "Marigona", "Rina", "Fjolla", "Ganimete"),
        ("Prishtinë", "Prizren", "Pejë", "Gjakovë", "Mitrovicë", "Ferizaj", "Gjilan",
         "Tiranë", "Durrës", "Shkodër", "Tetovë", "Vushtrri", "Podujevë"),
        zipf_surname=0.8,
    ),
    Population(
        "serbian", 0.11, (("RS", 0.8), ("XK", 0.1), ("BA", 0.1)), "sr_cyr",
        ("Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
         "Stanković", "Pavlović", "Milošević", "Popović", "Đukić", "Todorović", "Kostić",
         "Ristić", "Lazić", "Živković", "Savić", "Mitrović", "Radović", "Tomić", "Vuković",
         "Simić", "Šarić", "Obradović", "Kovačević", "Ćirić", "Milić", "Božić", "Perić"),
        ("Mil", "Rad", "Vuk", "Drag", "Stan", "Bog", "Mir", "Živ", "Ljub", "Slav", "Bran",
         "Dobr", "Ned", "Stoj", "Vas", "Zdrav", "Grb", "Kneže", "Ran", "Jank", "Đur", "Čol"),
        ("ović", "ević", "ić", "anović", "ovski", "ičić"),
        ("Nikola", "Marko", "Stefan", "Aleksandar", "Miloš", "Lazar", "Đorđe", "Jovan",
         "Dušan", "Nemanja", "Milan", "Dragan", "Zoran", "Goran", "Dejan", "Nenad", "Srđan",
         "Vladimir", "Ivan", "Predrag", "Bojan", "Miroslav", "Slobodan", "Petar", "Uroš",
         "Vuk", "Luka", "Mihajlo", "Filip", "Dimitrije"),
        ("Jelena", "Milica", "Ana", "Marija", "Ivana", "Jovana", "Snežana", "Dragana",
         "Tatjana", "Biljana", "Ljiljana", "Vesna", "Gordana", "Jasmina", "Danijela",
         "Aleksandra", "Nataša", "Mirjana", "Teodora", "Katarina", "Sanja", "Maja", "Nevena",
         "Sofija", "Tijana", "Dušica", "Slađana", "Olivera"),
        ("Beograd", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Kraljevo", "Čačak",
         "Leskovac", "Vranje", "Gračanica", "Novi Pazar"),
    ),
    Population(
        "macedonian", 0.07, (("MK", 1.0),), "mk_cyr",
        ("Stojanovski", "Petrovski", "Nikolovski", "Trajkovski", "Jovanovski", "Dimitrovski",
         "Ristovski", "Kostovski", "Angelovski", "Stefanovski", "Georgievski", "Mitrevski",
         "Todorovski", "Ilievski", "Pavlovski", "Spasovski", "Velkovski", "Gjorgjievski",
         "Kocevski", "Ognenovski", "Trpevski", "Šopov", "Nedelkovski", "Zdravkovski"),
        ("Blaž", "Vel", "Gjorgj", "Naum", "Kirk", "Tos", "Dame", "Ace", "Trp", "Sim", "Bož",
         "Cvet", "Jan", "Kiril", "Mite", "Zlat", "Bor", "Ilo"),
        ("ovski", "evski", "ov", "oski", "ski"),
        ("Aleksandar", "Nikola", "Goran", "Zoran", "Dragan", "Igor", "Vlatko", "Dejan",
         "Trajče", "Gjorgji", "Blagoja", "Kiril", "Stojan", "Ljupčo", "Toni", "Darko",
         "Filip", "Bojan", "Jovan", "Dimitar", "Petar", "Mile", "Goce", "Ilija", "Marko"),
        ("Elena", "Marija", "Ana", "Biljana", "Snežana", "Katerina", "Vesna", "Jasmina",
         "Daniela", "Sanja", "Ivana", "Aleksandra", "Gordana", "Simona", "Marina",
         "Natasha", "Milka", "Liljana", "Emilija", "Bojana", "Kristina"),
        ("Skopje", "Bitola", "Kumanovo", "Prilep", "Tetovo", "Veles", "Štip", "Ohrid",
         "Gostivar", "Strumica", "Kičevo"),
        female_surname=(("ski", "ska"), ("ov", "ova")),
    ),
    Population(
        "bosnian", 0.05, (("BA", 0.9), ("RS", 0.1)), "latin",
        ("Hodžić", "Hadžić", "Begić", "Delić", "Mehmedović", "Hasanović", "Omerović",
         "Salihović", "Suljić", "Ibrahimović", "Kovačević", "Mujić", "Husić", "Alić",
         "Bešić", "Karić", "Imamović", "Jusić", "Halilović", "Softić"),
        ("Hod", "Had", "Beg", "Mehm", "Has", "Omer", "Sal", "Sulj", "Ibr", "Muj", "Hus",
         "Bes", "Kar", "Imam", "Jus", "Hal", "Soft", "Šeh", "Ćat", "Džan"),
        ("ić", "ović", "agić", "ičić", "ezović"),
        ("Amir", "Edin", "Admir", "Mirsad", "Senad", "Haris", "Emir", "Adnan", "Kemal",
         "Mustafa", "Sulejman", "Mehmed", "Husein", "Hasan", "Nedim", "Elvir", "Jasmin",
         "Samir", "Armin", "Tarik", "Dženan", "Alija", "Suad"),
        ("Amra", "Emina", "Lejla", "Aida", "Selma", "Amela", "Fatima", "Merima", "Azra",
         "Sabina", "Jasmina", "Alma", "Belma", "Dženana", "Ajla", "Nermina", "Elma"),
        ("Sarajevo", "Tuzla", "Zenica", "Mostar", "Bihać", "Brčko", "Travnik", "Cazin"),
    ),
    Population(
        "ukrainian", 0.12, (("UA", 1.0),), "uk_cyr",
        ("Мельник", "Шевченко", "Коваленко", "Бондаренко", "Бойко", "Ткаченко", "Кравченко",
         "Коваль", "Олійник", "Шевчук", "Поліщук", "Ткачук", "Савченко", "Бондар",
         "Марченко", "Руденко", "Мороз", "Лисенко", "Петренко", "Клименко", "Павленко",
         "Кравчук", "Кузьменко", "Харченко", "Іваненко", "Гончаренко", "Литвиненко"),
        ("Дем", "Гриц", "Бур", "Кост", "Сид", "Леон", "Мар", "Федор", "Зінч", "Кир", "Паш",
         "Юрч", "Вовч", "Гнат", "Сем", "Стець", "Хом", "Яков", "Остап", "Тимош"),
        ("енко", "ук", "чук", "ак", "ишин", "ів"),
        ("Олександр", "Сергій", "Володимир", "Андрій", "Микола", "Дмитро", "Юрій", "Олег",
         "Іван", "Василь", "Віталій", "Євген", "Ігор", "Михайло", "Олексій", "Богдан",
         "Максим", "Тарас", "Петро", "Григорій", "Павло", "Ярослав", "Роман", "Артем",
         "Денис", "Вадим", "Анатолій", "Віктор", "Станіслав", "Костянтин"),
        ("Олена", "Наталія", "Тетяна", "Ірина", "Світлана", "Оксана", "Юлія", "Катерина",
         "Марія", "Ольга", "Анастасія", "Людмила", "Галина", "Вікторія", "Надія", "Ганна",
         "Валентина", "Лариса", "Олеся", "Христина", "Дарина", "Софія", "Алла", "Інна"),
        ("Київ", "Харків", "Одеса", "Дніпро", "Львів", "Запоріжжя", "Вінниця", "Херсон",
         "Чернівці", "Миколаїв", "Полтава", "Житомир"),
        zipf_surname=0.7,
        female_surname=(("ів", "ова"),),
    ),
    Population(
        "moldovan", 0.10, (("MD", 0.8), ("RO", 0.2)), "latin",
        ("Rusu", "Ceban", "Ciobanu", "Țurcanu", "Cojocaru", "Popa", "Lungu", "Munteanu",
         "Rotari", "Moraru", "Sârbu", "Guțu", "Croitoru", "Melnic", "Bălan", "Ursu", "Cazacu",
         "Botnari", "Roșca", "Popescu", "Ionescu", "Mocanu", "Grosu", "Bîrcă"),
        ("Cern", "Bog", "Vrab", "Pal", "Cost", "Stog", "Mâț", "Șerb", "Lup", "Răd", "Tăt",
         "Vasil", "Gheorgh", "Dumitr", "Neag", "Oprea", "Pârv", "Zam"),
        ("escu", "eanu", "u", "aru", "ache", "ciuc"),
        ("Ion", "Vasile", "Gheorghe", "Sergiu", "Andrei", "Alexandru", "Nicolae", "Mihai",
         "Vladimir", "Igor", "Dumitru", "Iurie", "Victor", "Constantin", "Veaceslav",
         "Vitalie", "Serghei", "Dorin", "Petru", "Ștefan", "Radu", "Octavian", "Valeriu",
         "Eugeniu", "Ruslan"),
        ("Maria", "Elena", "Ana", "Natalia", "Tatiana", "Olga", "Ecaterina", "Svetlana",
         "Cristina", "Irina", "Galina", "Valentina", "Aliona", "Ludmila", "Mariana",
         "Victoria", "Nadejda", "Angela", "Doina", "Lilia", "Olesea", "Corina", "Ala"),
        ("Chișinău", "Bălți", "Cahul", "Orhei", "Ungheni", "Soroca", "Comrat", "Hîncești",
         "Tiraspol", "Iași"),
    ),
    Population(
        "azerbaijani", 0.08, (("AZ", 1.0),), "latin",
        ("Məmmədov", "Əliyev", "Həsənov", "Hüseynov", "Quliyev", "İsmayılov", "Abbasov",
         "Rəhimov", "Süleymanov", "Cəfərov", "Babayev", "Nəsirov", "Orucov", "Kərimov",
         "Həşimov", "Mirzəyev", "Qasımov", "Bayramov", "Vəliyev", "Nəbiyev"),
        ("Əhməd", "İbrahim", "Musa", "Rza", "Sadıq", "Tağı", "Xəlil", "Zeynal", "Şükür",
         "Ağa", "Novruz", "Fərhad", "Qurban", "Mehdi", "Yusif", "Əsgər"),
        ("ov", "li", "zadə", "bəyli"),
        ("Əli", "Məmməd", "Hüseyn", "Həsən", "Elvin", "Rəşad", "Tural", "Orxan", "Elnur",
         "Vüqar", "Ramil", "Samir", "Kamran", "Fuad", "Nicat", "Cavid", "Elşən", "Rövşən",
         "Cəfər", "İlham", "Emin", "Murad", "Rüstəm", "Ceyhun", "Xəyal"),
        ("Aysel", "Günel", "Leyla", "Nərmin", "Aygün", "Səbinə", "Könül", "Sevinc",
         "Ülviyyə", "Aytən", "Zəhra", "Fatimə", "Gülnar", "Nigar", "Lalə", "Şəbnəm",
         "Aynur", "Vüsalə", "Türkan", "Xədicə"),
        ("Bakı", "Gəncə", "Sumqayıt", "Mingəçevir", "Lənkəran", "Şəki", "Naxçıvan",
         "Quba", "Şirvan"),
        zipf_surname=1.0,
        female_surname=(("ov", "ova"), ("yev", "yeva"), ("ev", "eva")),
    ),
    Population(
        "nigerian", 0.08, (("NG", 1.0),), "latin",
        ("Okafor", "Adeyemi", "Okonkwo", "Eze", "Ibrahim", "Bello", "Abubakar", "Okeke",
         "Nwosu", "Adebayo", "Ogunleye", "Chukwu", "Mohammed", "Obi", "Adeleke", "Uche",
         "Afolabi", "Oladipo", "Nnamdi", "Onyeka", "Balogun", "Ojo", "Usman", "Yusuf"),
        ("Ade", "Olu", "Chi", "Nwa", "Oke", "Ogun", "Ola", "Ife", "Obi", "Ezi", "Uzo",
         "Aka", "Ngo", "Bab", "Fola", "Kay"),
        ("nwa", "kwu", "yemi", "bayo", "sola", "dike", "ola", "nna"),
        ("Chukwuemeka", "Oluwaseun", "Olusegun", "Adebayo", "Babatunde", "Ibrahim",
         "Chinedu", "Emeka", "Tunde", "Oluwatobi", "Femi", "Chinonso", "Musa", "Uchenna",
         "Kelechi", "Ikenna", "Abdullahi", "Samuel", "John", "Daniel", "Godwin", "Peter"),
        ("Blessing", "Chioma", "Ngozi", "Aisha", "Fatima", "Chiamaka", "Oluwakemi", "Funmilayo",
         "Adaeze", "Nneka", "Ifeoma", "Abimbola", "Precious", "Grace", "Joy", "Esther",
         "Mercy", "Amaka", "Favour", "Patience", "Blessed", "Yetunde"),
        ("Lagos", "Benin City", "Abuja", "Kano", "Ibadan", "Port Harcourt", "Enugu", "Onitsha",
         "Edo", "Delta"),
        zipf_surname=0.6,
    ),
    Population(
        "bangladeshi", 0.06, (("BD", 1.0),), "latin",
        ("Islam", "Rahman", "Hossain", "Akter", "Ahmed", "Khan", "Begum", "Uddin", "Miah",
         "Sarkar", "Chowdhury", "Hasan", "Alam", "Khatun", "Sheikh", "Mondal", "Roy", "Das",
         "Biswas", "Haque"),
        ("Kabir", "Rahim", "Karim", "Aziz", "Jamal", "Kamal", "Nur", "Amin", "Siddiq",
         "Mahbub", "Habib", "Zaman"),
        ("", "ul", "uddin", "ullah"),
        ("Md Rafiqul", "Md Shahidul", "Md Abdul", "Md Aminul", "Md Nazrul", "Md Saiful",
         "Md Jahangir", "Md Kamrul", "Md Rashed", "Md Shafiqul", "Abdul", "Mohammad",
         "Rakib", "Sabbir", "Tanvir", "Shakil", "Sohel", "Jamal", "Kamal", "Arif"),
        ("Nasrin", "Fatema", "Shirin", "Rina", "Salma", "Ayesha", "Sumaiya", "Tania", "Rupa",
         "Shapla", "Jesmin", "Rehana", "Nazma", "Shahnaz", "Roksana", "Sharmin", "Mitu"),
        ("Dhaka", "Chittagong", "Sylhet", "Khulna", "Rajshahi", "Comilla", "Barisal", "Noakhali"),
        zipf_surname=0.9,
        zipf_given=0.7,
    ),
    Population(
        "bulgarian", 0.04, (("BG", 1.0),), "bg_cyr",
        ("Иванов", "Георгиев", "Димитров", "Петров", "Николов", "Христов", "Стоянов",
         "Тодоров", "Илиев", "Василев", "Атанасов", "Петков", "Ангелов", "Колев", "Йорданов",
         "Маринов", "Попов", "Стефанов"),
        ("Цвет", "Добр", "Злат", "Радо", "Бож", "Вел", "Гроз", "Пав", "Сав", "Кръст"),
        ("ов", "ев", "ски"),
        ("Георги", "Иван", "Димитър", "Николай", "Петър", "Христо", "Стоян", "Тодор",
         "Йордан", "Атанас", "Васил", "Александър", "Красимир", "Пламен", "Цветан",
         "Стефан", "Борислав", "Калоян"),
        ("Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Десислава", "Гергана", "Силвия",
         "Цветелина", "Радка", "Веселина", "Николина", "Галина", "Надежда", "Петя"),
        ("София", "Пловдив", "Варна", "Бургас", "Сливен", "Русе", "Стара Загора", "Пазарджик"),
        female_surname=(("ов", "ова"), ("ев", "ева"), ("ски", "ска")),
    ),
    Population(
        "russian", 0.04, (("RU", 0.8), ("BY", 0.2)), "ru_cyr",
        ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
         "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
         "Семёнов", "Егоров", "Павлов", "Козлов"),
        ("Степ", "Никит", "Орл", "Андре", "Макар", "Захар", "Зайц", "Сол", "Борис", "Яков"),
        ("ов", "ев", "ин", "ский"),
        ("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений",
         "Иван", "Михаил", "Николай", "Владимир", "Артём", "Денис", "Юрий", "Игорь"),
        ("Екатерина", "Анна", "Мария", "Ольга", "Татьяна", "Наталья", "Елена", "Ирина",
         "Светлана", "Юлия", "Анастасия", "Дарья", "Ксения", "Людмила", "Алёна"),
        ("Москва", "Санкт-Петербург", "Ростов-на-Дону", "Краснодар", "Самара", "Минск", "Гомель"),
        female_surname=(("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ский", "ская")),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Institution:
    key: str
    country: str
    cyrillic_share: float  # how often it writes Cyrillic-script names in Cyrillic
    writes_serbian_latin: bool  # renders foreign names the Serbian way (č, ć, š, đ)
    weight: float


INSTITUTIONS: tuple[Institution, ...] = (
    Institution("xk_police", "XK", 0.0, False, 0.14),
    Institution("xk_social_work", "XK", 0.0, False, 0.08),
    Institution("xk_victim_advocates", "XK", 0.0, False, 0.06),
    Institution("al_state_police", "AL", 0.0, False, 0.08),
    Institution("mk_police", "MK", 0.5, True, 0.08),
    Institution("mk_social_work_centre", "MK", 0.7, True, 0.07),
    Institution("rs_police", "RS", 0.6, True, 0.08),
    Institution("rs_centre_for_victims", "RS", 0.5, True, 0.06),
    Institution("iom_shelter", "XK", 0.1, False, 0.09),
    Institution("ngo_outreach", "MK", 0.2, False, 0.08),
    Institution("border_police", "MK", 0.3, True, 0.10),
    Institution("labour_inspection", "RS", 0.4, True, 0.08),
)
