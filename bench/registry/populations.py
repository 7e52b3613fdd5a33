"""Who the generated registry holds: populations, names and institutions, with skew.

Names follow the ideas of ``palermo/registry/demo.py`` with a realistic shape: each
population has a head of common surnames (Zipf-like: the commonest carries a few per cent
of its people, and many persons share a full name) and a long tail built from roots and
suffixes; given names are Zipf-like too. Serbian, Macedonian, Ukrainian and Russian names
are written in Cyrillic by the institutions that take them in Cyrillic, and in Latin
otherwise. Institutions are the ``seed_demo`` ones; a few hold most cases.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

from palermo.names.translit import serbian_latin_to_cyrillic


class Weighted:
    """Draws items with given weights in O(log n)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf(items: list[str], s: float, k: float) -> Weighted:
    return Weighted(items, [1.0 / (rank + k) ** s for rank in range(len(items))])


@dataclass
class Population:
    key: str
    weight: float
    citizenships: list[tuple[str, float]]
    cyrillic: bool  # whether institutions may write these names in Cyrillic
    surnames: list[str]
    roots: list[str]
    suffixes: list[str]
    female: list[str]
    male: list[str]
    female_suffix: tuple[str, str] | None = None  # surname rewrite for women ("ov" -> "ova")
    surname_s: float = 1.0
    given_s: float = 0.9
    _surnames: Weighted = field(init=False, repr=False)
    _female: Weighted = field(init=False, repr=False)
    _male: Weighted = field(init=False, repr=False)
    _citizenship: Weighted = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts, middles, ends, offset = TAILS[self.key]
        built = [r + s for r in self.roots for s in self.suffixes]
        built += [a + b + c for a in starts for b in middles for c in ends]
        if self.key in ("serbian", "macedonian"):
            built = [
                serbian_latin_to_cyrillic(n, macedonian=self.key == "macedonian") for n in built
            ]
        shuffled = random.Random(self.key).sample(built, len(built))
        stock = list(dict.fromkeys(self.surnames + shuffled))
        self._surnames = zipf(stock, self.surname_s, k=offset)
        self._female = zipf(self.female, self.given_s, k=8.0)
        self._male = zipf(self.male, self.given_s, k=8.0)
        self._citizenship = Weighted(
            [c for c, _ in self.citizenships], [w for _, w in self.citizenships]
        )

    def person(self, rng: random.Random, sex: str) -> tuple[str, str, str]:
        """(first name, last name, citizenship) in the population's own script."""
        first = (self._female if sex == "female" else self._male).draw(rng)
        last = self._surnames.draw(rng)
        if sex == "female" and self.female_suffix:
            old, new = self.female_suffix
            if last.endswith(old):
                last = last[: -len(old)] + new
        return first, last, self._citizenship.draw(rng)


# Long tails of rarer surnames (start + middle + end, in the population's own script; Serbian
# and Macedonian ones are built in Latin and written in Cyrillic) and the Zipf offset of each
# population's surnames: the commonest surname carries a few per cent of a population, as
# Krasniqi does in Kosovo, and about one per cent elsewhere.
_SR_ENDS = ["ić", "ović", "ević"]
TAILS: dict[str, tuple[list[str], list[str], list[str], float]] = {
    "albanian": (
        ["Ba", "Be", "Bu", "Da", "De", "Du", "Fe", "Ga", "Gj", "Ha", "Hy", "Ja", "Ka", "Ke", "Ku",
         "La", "Le", "Lu", "Ma", "Me", "Mu", "Na", "Ne", "Qa", "Ra", "Re", "Sa", "Se", "Sh", "Ta",
         "Th", "Ve", "Xh", "Ze"],
        ["ba", "da", "ja", "ka", "la", "li", "ma", "mi", "ra", "ri", "sh", "ta", "zi", ""],
        ["i", "aj", "a", "iu", "ri", "ni"],
        5.0,
    ),
    "serbian": (
        ["Bo", "Bra", "Dra", "Đu", "Ja", "Jo", "Ko", "Kr", "La", "Lu", "Ma", "Mi", "Ni", "Pa",
         "Pe", "Ra", "Ri", "Sa", "Si", "Sto", "To", "Ve", "Vu", "Ži", "Zo"],
        ["da", "ja", "ko", "la", "li", "ma", "ni", "ra", "ši", "ta", "vi", ""],
        _SR_ENDS,
        12.0,
    ),
    "macedonian": (
        ["Ango", "Bla", "Ve", "Gjo", "Zdra", "Ili", "Kosto", "Mitre", "Pe", "Spa", "Tra", "Jo"],
        ["ja", "ko", "la", "ni", "ra", "ta", ""],
        ["ski", "ovski", "evski", "ov"],
        10.0,
    ),
    "ukrainian": (
        ["Бо", "Ва", "Га", "Да", "Ді", "Жу", "За", "Ко", "Кри", "Ле", "Ли", "Ма", "Мо", "Па",
         "Пе", "Ро", "Са", "Си", "Те", "Ти", "Фе", "Хо", "Шу", "Юр"],
        ["ба", "ва", "да", "ла", "ли", "ме", "ни", "ра", "ча", ""],
        ["енко", "ук", "юк", "ич", "ський", "чук"],
        12.0,
    ),
    "russian": (
        ["Бе", "Ва", "Во", "Го", "Да", "Ер", "За", "Ка", "Ку", "Ле", "Ма", "Мо", "Не", "Ор",
         "Пе", "Ро", "Се", "Ти", "Фо", "Ша"],
        ["ба", "ва", "да", "ли", "ме", "ни", "ро", "то", ""],
        ["ов", "ев", "ин", "ский"],
        10.0,
    ),
    "moldovan": (
        ["Ba", "Bo", "Ca", "Cio", "Co", "Da", "Gu", "Lu", "Ma", "Mo", "Ne", "Pa", "Po", "Ro",
         "Sa", "Sto", "Tu", "Ur", "Va", "Za"],
        ["ba", "ca", "ga", "la", "li", "ma", "ra", "ri", "tu", ""],
        ["u", "escu", "eanu", "aru", "ea"],
        10.0,
    ),
    "bosnian": (
        ["Ali", "Be", "Ću", "Dže", "Ha", "Hu", "Ka", "Me", "Mu", "Omer", "Sa", "Se", "Su", "Ze"],
        ["ba", "ha", "li", "ma", "ra", "si", ""],
        ["ić", "ović", "agić", "ević"],
        8.0,
    ),
    "turkish": (
        ["Ak", "Ay", "Bal", "Can", "Demir", "Er", "Gül", "Kara", "Kay", "Öz", "Şa", "Tek", "Uy",
         "Yıl"],
        ["al", "dı", "ma", "ra", "ta", ""],
        ["oğlu", "er", "can", "taş", "su"],
        8.0,
    ),
    "azerbaijani": (
        ["Ab", "Ca", "Hü", "Kə", "Ma", "Nə", "Qu", "Rə", "Sə", "Və"],
        ["li", "rə", "si", ""],
        ["ov", "li", "zadə"],
        4.0,
    ),
    "nigerian": (
        ["A", "Ade", "Chi", "E", "I", "Nwa", "O", "Olu", "Osa", "U", "Ife", "Oke"],
        ["bo", "de", "gbe", "ko", "ma", "nwo", "wa", ""],
        ["yemi", "nna", "ke", "wale", "dike", "ma", "for"],
        8.0,
    ),
    "bangladeshi": (["Chow", "Mol", "Sar", "Talu", "Bhu"], ["dhu", "ka", "la", ""], ["ry", "r", "iyan"], 1.5),
    "bulgarian": (
        ["Ан", "Бо", "Ве", "Ге", "Ди", "Ил", "Ко", "Ма", "Ни", "Пе", "Сто", "Тo"],
        ["ге", "ли", "ми", "ни", "ра", "ча", ""],
        ["ов", "ев"],
        8.0,
    ),
}  # fmt: skip


POPULATIONS: list[Population] = [
    Population(
        "albanian",
        0.50,
        [("XK", 0.82), ("AL", 0.14), ("MK", 0.04)],
        False,
        [
            "Krasniqi",
            "Gashi",
            "Berisha",
            "Morina",
            "Shala",
            "Bytyqi",
            "Hoxha",
            "Kryeziu",
            "Hasani",
            "Ahmeti",
            "Rexhepi",
            "Hyseni",
            "Gjoka",
            "Kelmendi",
            "Rama",
            "Thaçi",
            "Osmani",
            "Salihu",
            "Mustafa",
            "Shehu",
            "Zeqiri",
            "Qerimi",
            "Haxhiu",
            "Bajrami",
            "Jashari",
            "Dervishi",
            "Sopi",
            "Halili",
            "Ismaili",
            "Limani",
            "Kastrati",
            "Dushku",
            "Lleshi",
            "Musliu",
            "Ibrahimi",
            "Sejdiu",
            "Leka",
            "Marku",
            "Prifti",
            "Kuqi",
        ],
        [
            "Arif",
            "Bekim",
            "Dem",
            "Fet",
            "Gjon",
            "Hajd",
            "Islam",
            "Jakup",
            "Kadr",
            "Lul",
            "Mehmet",
            "Nez",
            "Qazim",
            "Ram",
            "Sal",
            "Tah",
            "Vesel",
            "Xhem",
            "Zen",
            "Bal",
            "Berish",
            "Daut",
            "Elez",
            "Fazl",
            "Hal",
            "Imer",
            "Kurt",
            "Mal",
            "Rust",
            "Sylej",
            "Ymer",
            "Zym",
        ],
        ["i", "aj", "a", "iu", "ja", "ri", "ollari", "aga"],
        [
            "Drita",
            "Mimoza",
            "Vjosa",
            "Blerta",
            "Arta",
            "Fatime",
            "Shqipe",
            "Valbona",
            "Lindita",
            "Teuta",
            "Merita",
            "Arbërie",
            "Donika",
            "Edona",
            "Albulena",
            "Besa",
            "Flutura",
            "Afërdita",
            "Hana",
            "Leonora",
            "Elona",
            "Qëndresa",
            "Mirjeta",
            "Ajshe",
            "Lejla",
            "Marigona",
            "Rina",
            "Fjolla",
            "Ardita",
            "Elira",
            "Jonida",
            "Klodiana",
            "Rovena",
            "Lirije",
            "Shpresa",
            "Violeta",
            "Kaltrina",
            "Diellza",
            "Erblina",
            "Nora",
        ],
        [
            "Arben",
            "Besnik",
            "Driton",
            "Fatmir",
            "Agron",
            "Bekim",
            "Valon",
            "Ilir",
            "Mehmet",
            "Bujar",
            "Blerim",
            "Gëzim",
            "Hysen",
            "Xhevdet",
            "Qazim",
            "Skënder",
            "Gjergj",
            "Gjon",
            "Ismail",
            "Ibrahim",
            "Jakup",
            "Ardian",
            "Dardan",
            "Liridon",
            "Florim",
            "Lulzim",
            "Naim",
            "Enver",
            "Rexhep",
            "Luan",
            "Gent",
            "Ardit",
            "Erion",
            "Olsi",
            "Sokol",
            "Arton",
        ],
        surname_s=0.95,
    ),
    Population(
        "serbian",
        0.10,
        [("RS", 0.6), ("XK", 0.3), ("ME", 0.1)],
        True,
        [
            "Јовановић",
            "Петровић",
            "Николић",
            "Марковић",
            "Ђорђевић",
            "Стојановић",
            "Илић",
            "Станковић",
            "Павловић",
            "Милошевић",
            "Поповић",
            "Ђукић",
            "Тодоровић",
            "Костић",
            "Ристић",
            "Митић",
            "Савић",
            "Лазић",
            "Васић",
            "Радовановић",
        ],
        [
            "Аврамов",
            "Бојов",
            "Вуков",
            "Драган",
            "Живков",
            "Јанков",
            "Крстов",
            "Лазаров",
            "Миланов",
            "Нинков",
            "Перов",
            "Радов",
            "Симов",
            "Томов",
            "Урошев",
            "Цветков",
        ],
        ["ић", "ски"],
        [
            "Милица",
            "Јелена",
            "Марија",
            "Ана",
            "Драгана",
            "Јована",
            "Снежана",
            "Ивана",
            "Тијана",
            "Невена",
            "Катарина",
            "Софија",
            "Сања",
            "Гордана",
            "Биљана",
            "Александра",
        ],
        [
            "Никола",
            "Марко",
            "Стефан",
            "Милош",
            "Јован",
            "Лазар",
            "Душан",
            "Александар",
            "Драган",
            "Зоран",
            "Дејан",
            "Небојша",
            "Урош",
            "Немања",
            "Вук",
            "Иван",
        ],
    ),
    Population(
        "macedonian",
        0.04,
        [("MK", 0.9), ("XK", 0.1)],
        True,
        [
            "Стојановски",
            "Николовски",
            "Трајковски",
            "Јовановски",
            "Петровски",
            "Димитровски",
            "Илиевски",
            "Ристовски",
            "Стефановски",
            "Костовски",
        ],
        ["Ангел", "Благо", "Велич", "Ѓорѓи", "Здрав", "Митр", "Спас", "Тасе"],
        ["ски", "ов", "овски"],
        ["Елена", "Билјана", "Ивана", "Катерина", "Марија", "Сања", "Јасмина", "Весна"],
        ["Горан", "Дејан", "Александар", "Игор", "Никола", "Бојан", "Зоран", "Филип"],
        female_suffix=("ски", "ска"),
    ),
    Population(
        "ukrainian",
        0.06,
        [("UA", 0.95), ("MD", 0.05)],
        True,
        [
            "Шевченко",
            "Коваленко",
            "Бондаренко",
            "Ткаченко",
            "Кравченко",
            "Олійник",
            "Шевчук",
            "Поліщук",
            "Бойко",
            "Мельник",
            "Лисенко",
            "Руденко",
            "Савченко",
            "Марченко",
        ],
        ["Гонча", "Кова", "Лев", "Мороз", "Петр", "Сидор", "Тимош", "Яков"],
        ["енко", "ук", "ишин"],
        [
            "Олена",
            "Катерина",
            "Оксана",
            "Ірина",
            "Юлія",
            "Наталія",
            "Світлана",
            "Тетяна",
            "Анастасія",
            "Вікторія",
            "Марія",
            "Людмила",
        ],
        [
            "Олександр",
            "Микола",
            "Андрій",
            "Сергій",
            "Дмитро",
            "Іван",
            "Василь",
            "Богдан",
            "Тарас",
            "Юрій",
            "Віктор",
            "Петро",
        ],
    ),
    Population(
        "russian",
        0.02,
        [("RU", 0.7), ("UA", 0.2), ("MD", 0.1)],
        True,
        [
            "Иванов",
            "Смирнов",
            "Кузнецов",
            "Попов",
            "Васильев",
            "Петров",
            "Соколов",
            "Михайлов",
            "Новиков",
            "Фёдоров",
        ],
        ["Волк", "Голуб", "Жук", "Зайц", "Крыл", "Медвед", "Орл", "Сорок"],
        ["ов", "ев", "ин"],
        ["Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Мария", "Ирина", "Светлана"],
        ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Иван", "Михаил"],
        female_suffix=("ов", "ова"),
    ),
    Population(
        "moldovan",
        0.07,
        [("MD", 0.8), ("RO", 0.2)],
        False,
        [
            "Rusu",
            "Ceban",
            "Ciobanu",
            "Lungu",
            "Munteanu",
            "Cebotari",
            "Țurcanu",
            "Sârbu",
            "Rotari",
            "Cojocaru",
            "Moraru",
            "Popa",
            "Bivol",
            "Guțu",
        ],
        ["Bâr", "Cozm", "Dobr", "Frunz", "Grosu", "Lupa", "Mihal", "Negr", "Orb", "Pascal"],
        ["u", "escu", "eanu", "aru"],
        [
            "Ana",
            "Maria",
            "Elena",
            "Natalia",
            "Cristina",
            "Tatiana",
            "Irina",
            "Olga",
            "Svetlana",
            "Mihaela",
            "Alina",
            "Doina",
        ],
        [
            "Ion",
            "Vasile",
            "Andrei",
            "Sergiu",
            "Alexandru",
            "Nicolae",
            "Gheorghe",
            "Mihai",
            "Victor",
            "Dumitru",
            "Vladimir",
            "Igor",
        ],
    ),
    Population(
        "bosnian",
        0.04,
        [("BA", 0.8), ("XK", 0.2)],
        False,
        [
            "Hodžić",
            "Hadžić",
            "Begić",
            "Delić",
            "Mehić",
            "Kovačević",
            "Hasanović",
            "Omerović",
            "Ibrahimović",
            "Husić",
            "Salihović",
            "Muratović",
        ],
        ["Alag", "Bajr", "Ćatov", "Džaf", "Halil", "Kadr", "Mujk", "Smajl"],
        ["ić", "ović", "agić"],
        ["Amra", "Lejla", "Emina", "Selma", "Azra", "Aida", "Sabina", "Merima", "Elma", "Dženana"],
        ["Amir", "Emir", "Adnan", "Haris", "Kenan", "Senad", "Edin", "Almir", "Mirza", "Tarik"],
    ),
    Population(
        "turkish",
        0.03,
        [("TR", 0.9), ("XK", 0.1)],
        False,
        [
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yıldız",
            "Yıldırım",
            "Öztürk",
            "Aydın",
            "Özdemir",
            "Arslan",
            "Doğan",
        ],
        ["Akt", "Bal", "Cor", "Erd", "Gül", "Kar", "Ok", "Tek"],
        ["aş", "oğlu", "can"],
        ["Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Şerife"],
        ["Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat"],
    ),
    Population(
        "azerbaijani",
        0.02,
        [("AZ", 1.0)],
        False,
        ["Məmmədov", "Əliyev", "Həsənov", "Hüseynov", "Quliyev", "İsmayılov", "Abbasov", "Cəfərov"],
        ["Bağır", "Kərim", "Musa", "Nəsib", "Rəhim", "Səfər"],
        ["ov", "li"],
        ["Aygün", "Günay", "Leyla", "Nigar", "Səbinə", "Aynur", "Gülnar", "Xədicə"],
        ["Əli", "Rəşad", "Elşən", "Orxan", "Tural", "Vüqar", "Elvin", "Kamran"],
        female_suffix=("ov", "ova"),
        surname_s=1.3,
    ),
    Population(
        "nigerian",
        0.05,
        [("NG", 1.0)],
        False,
        [
            "Okafor",
            "Adeyemi",
            "Eze",
            "Okonkwo",
            "Bello",
            "Ogunleye",
            "Nwosu",
            "Obi",
            "Adebayo",
            "Ibrahim",
            "Chukwu",
            "Olawale",
            "Osagie",
            "Igbinedion",
            "Edo",
        ],
        ["Ade", "Chi", "Ebe", "Ifeo", "Nnam", "Olu", "Osa", "Uche"],
        ["kwe", "nna", "ma", "yi"],
        [
            "Blessing",
            "Joy",
            "Precious",
            "Favour",
            "Mercy",
            "Gift",
            "Esther",
            "Grace",
            "Chioma",
            "Ngozi",
        ],
        ["Emeka", "Chinedu", "Tunde", "Segun", "Osas", "Efosa", "Uche", "Femi"],
    ),
    Population(
        "bangladeshi",
        0.03,
        [("BD", 1.0)],
        False,
        [
            "Hossain",
            "Rahman",
            "Islam",
            "Akter",
            "Ahmed",
            "Khatun",
            "Uddin",
            "Begum",
            "Miah",
            "Alam",
        ],
        ["Chow", "Kabi", "Mollah", "Sark", "Talukd"],
        ["dhury", "r", "ar"],
        ["Fatema", "Nasrin", "Sumaiya", "Rokeya", "Shirin", "Taslima"],
        ["Rahim", "Karim", "Hasan", "Jamal", "Rafiq", "Shahid", "Mizanur", "Abdul"],
    ),
    Population(
        "bulgarian",
        0.02,
        [("BG", 1.0)],
        True,
        ["Иванов", "Георгиев", "Димитров", "Петров", "Николов", "Христов", "Стоянов", "Тодоров"],
        ["Ангел", "Божил", "Вълч", "Кирил", "Минч", "Стан"],
        ["ов", "ев"],
        ["Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Десислава"],
        ["Георги", "Иван", "Димитър", "Николай", "Петър", "Христо"],
        female_suffix=("ов", "ова"),
    ),
]
POPULATION_OF = Weighted(POPULATIONS, [p.weight for p in POPULATIONS])


@dataclass(frozen=True)
class Registering:
    code: str  # institution code (seed_demo)
    username: str  # the demo user who registers there (and joins the case team)
    weight: float  # share of registrations
    source: str  # detection source
    cyrillic: float  # share of Cyrillic-script names this institution keeps in Cyrillic


# A few institutions hold most cases: the national police unit and the Prishtina centre for
# social work register more than half, the NGOs and the labour inspectorate a few per cent.
REGISTERING: list[Registering] = [
    Registering("police-thb", "investigator", 0.34, "police", 0.2),
    Registering("csw-prishtina", "caseworker.prishtina", 0.18, "social_services", 0.3),
    Registering("police-thb-prizren", "registrar.prizren", 0.12, "police", 0.1),
    Registering("police-thb-peja", "registrar.peja", 0.09, "border", 0.2),
    Registering("csw-prizren", "caseworker.prizren", 0.08, "social_services", 0.2),
    Registering("state-shelter", "shelter.worker", 0.07, "other", 0.6),
    Registering("ngo-shelter-a", "ngo.worker", 0.05, "ngo_outreach", 0.5),
    Registering("ngo-shelter-b", "ngo.registrar", 0.04, "hotline", 0.5),
    Registering("labour-inspectorate", "inspector", 0.03, "labour_inspection", 0.0),
]
REGISTERING_OF = Weighted(REGISTERING, [r.weight for r in REGISTERING])

# Accepted referrals go to service providers, the prosecution's victim advocates and the
# police (sections: what the referral shares; [] would be every section).
REFERRAL_TARGETS = [
    ("state-shelter", ["identity", "contact", "assistance"]),
    ("ngo-shelter-a", ["identity", "contact", "assistance"]),
    ("ngo-shelter-b", ["identity", "assistance"]),
    ("csw-prishtina", ["identity", "contact", "assistance"]),
    ("vaao", ["identity", "story", "justice"]),
    ("police-thb", ["identity", "story"]),
]
TRANSFER_TARGETS = ["csw-prishtina", "csw-prizren", "police-thb", "state-shelter"]
