"""Curated vocabulary for informal Indonesian (and some Sundanese) profile texts.

Everything here is general vocabulary, not tuned to any single district: slang
and regional words mapped to standard Indonesian, a stopword list, fixes for
known Sastrawi stemming errors, and a small domain lexicon that groups words
into livelihood concepts (sewing, baking, poultry...).
"""

from __future__ import annotations

# Token -> standard form (may be several words). Applied before stemming.
COLLOQUIAL: dict[str, str] = {
    # sewing
    "ngejahit": "jahit", "ngaput": "jahit", "jait": "jahit", "ngejait": "jahit",
    "jaitan": "jahitan", "njahit": "jahit", "menjait": "jahit", "penjait": "penjahit",
    "vermak": "permak", "seleting": "resleting", "sleting": "resleting",
    "ngobras": "obras", "garment": "garmen",
    # online selling
    "olshop": "jualan online", "onlen": "online", "ol": "online", "fesbuk": "facebook",
    "fb": "facebook", "wa": "whatsapp", "wea": "whatsapp", "ig": "instagram",
    "hp": "handphone", "henpon": "handphone", "smartphone": "handphone android",
    "dropshipper": "dropship", "resseler": "reseller", "reseler": "reseller",
    # generic slang / abbreviations
    "bikin": "buat", "nyieun": "buat", "ngebikin": "buat", "dll": "", "dsb": "",
    "yg": "yang", "dgn": "dengan", "utk": "untuk", "tdk": "tidak", "gak": "tidak",
    "ga": "tidak", "nggak": "tidak", "ngga": "tidak", "blm": "belum", "udh": "sudah",
    "udah": "sudah", "sdh": "sudah", "sy": "saya", "dr": "dari", "krn": "karena",
    "sm": "sama", "bs": "bisa", "jd": "jadi", "tp": "tapi", "org": "orang",
    "rmh": "rumah", "dirumah": "di rumah", "pengen": "ingin", "pingin": "ingin",
    "pgn": "ingin", "kepengen": "ingin", "pake": "pakai", "kalo": "kalau",
    "trus": "terus", "gpp": "tidak apa", "sndiri": "sendiri", "bgt": "banget",
    "thn": "tahun", "th": "tahun", "bln": "bulan", "hr": "hari", "tmn": "teman",
    "dikit": "sedikit", "deket": "dekat", "nerima": "terima", "pesenan": "pesanan",
    "dipesenin": "pesan", "telor": "telur", "ato": "atau", "skrg": "sekarang",
    "stlh": "setelah", "bantu2": "bantu", "bareng": "bersama", "kurleb": "kurang lebih",
    "ibu2": "ibu", "loker": "lowongan", "nyari": "cari", "ngasih": "kasih",
    "sblm": "sebelum", "kemaren": "kemarin", "nganggur": "menganggur",
    "gajian": "gaji", "digaji": "gaji", "nganter": "antar", "dianter": "antar",
    # Sundanese
    "imah": "rumah", "hoyong": "ingin", "hayang": "ingin", "budak": "anak",
    "leutik": "kecil", "wae": "saja", "aja": "saja", "nu": "yang", "jeung": "dan",
    "ka": "ke", "gawe": "kerja", "naon": "apa", "aya": "ada", "teu": "tidak",
    "lauk": "ikan", "balong": "kolam", "hayam": "ayam", "endog": "telur",
    "taleus": "talas", "sampeu": "singkong", "kiripik": "keripik", "nyeuseuh": "cuci",
    "nyuci": "cuci", "nyetrika": "setrika", "setrikaan": "setrika", "ngasuh": "asuh",
    "momong": "asuh", "ngemong": "asuh", "ngangon": "gembala", "melak": "tanam",
    "nanem": "tanam", "nanam": "tanam", "kebon": "kebun", "sorangan": "sendiri",
    "gaduh": "punya", "unggal": "setiap", "poe": "hari", "tatangga": "tetangga",
    "ngabantuan": "bantu", "baheula": "dulu", "diuk": "duduk", "kitu": "begitu",
    "ngala": "ambil", "pare": "padi", "tandur": "tanam padi", "hui": "ubi",
    "awi": "bambu", "bapa": "bapak", "mah": "", "atuh": "", "euy": "", "teh": "",
    "abdi": "saya", "salira": "kamu", "tukangeun": "belakang", "payun": "depan",
    "sawah": "sawah", "ngarambet": "siang rumput", "ngarit": "arit rumput",
    "manten": "pengantin", "nganten": "pengantin", "masakan": "masak",
    "ngeliwet": "liwet", "dadak": "dadakan", "nyiram": "siram", "nyapu": "sapu",
    "ngepel": "pel", "beberes": "bersih rumah", "berberes": "bersih rumah",
    "milahin": "pilah", "ngitung": "hitung", "nyatet": "catat", "nyatat": "catat",
    "nganyam": "anyam", "ngerajut": "rajut", "hakpen": "rajut hakpen",
    "crochet": "rajut", "ngelem": "lem", "ngupas": "kupas", "ngulek": "ulek",
    "ngolah": "olah", "ngurus": "urus", "ngurusin": "urus", "dandanin": "dandan",
    "ngelukis": "lukis", "ngewarnain": "warna", "nyanting": "canting",
    "ngecilin": "kecil permak", "mulung": "pulung sampah", "rongsok": "rongsokan",
    "jajan": "jajanan", "gorengan": "goreng", "bala": "", "gehu": "goreng",
    "cireng": "goreng", "brownis": "brownies", "bolu": "bolu kue", "klepon": "kue",
    "nastar": "kue kering", "kastengel": "kue kering", "liwetan": "liwet",
    "prasmanan": "katering", "catering": "katering", "nasbox": "nasi box",
    "mua": "makeup rias", "make": "makeup", "dandan": "rias dandan",
    "baby": "bayi", "sitter": "asuh", "babysitter": "asuh anak", "daycare": "asuh anak",
    "art": "pembantu rumah tangga", "laundry": "laundri cuci", "laundri": "cuci",
    "kiloan": "cuci", "homestay": "homestay inap", "villa": "vila",
    "ternakan": "ternak", "peternakan": "ternak", "beternak": "ternak",
    "melihara": "pelihara", "miara": "pelihara", "ngebatik": "batik",
    "cabe": "cabai", "nanem2": "tanam", "greenhouse": "hidroponik",
    "pembukuan": "catat keuangan", "modal": "modal", "kredit": "pinjam",
    "kerjain": "kerja", "dikerjain": "kerja", "ngerjain": "kerja",
}

# Words that carry no matching signal. "bisa", "kerja" and "buat" are kept on
# purpose: "bisa jahit" and "kerja di rumah" are meaningful in profiles.
STOPWORDS: frozenset[str] = frozenset(
    """
    yang dan di ke dari untuk dengan ini itu atau juga saja sudah belum tidak
    ada akan pada dalam oleh karena jadi tapi tetapi saya kami kita aku dia ia
    mereka nya pun lah kah sih deh dong kok nih tuh ya iya oh sama lagi masih
    sering kadang biasa suka mau ingin terus lebih banyak sedikit cuma hanya
    apa siapa mana kapan bagaimana gimana asal biar supaya agar kalau kalo bila
    sambil sebagai seperti kaya kayak begitu begini banget sekali para
    sendiri orang pas waktu kurang tahun bulan hari jam minggu kali buah ekor
    baru lama dulu sekarang nanti tiap setiap per dll dsb tsb juga bu ibu pak
    bapak teh kang ceu mang bi hj haji mas mbak
    """.split()
)

# Words that describe a missing profile rather than a skill.
EMPTY_PROFILE_WORDS: frozenset[str] = frozenset(
    """
    belum blm tidak ada keahlian khusus pernah kerja apa saja aja mau bisa
    irt ibu rumah tangga biasa punya ahli terampil
    """.split()
)

# Fixes for Sastrawi's over-stemming (applied to the raw token).
STEM_EXCEPTIONS: dict[str, str] = {
    "kerajinan": "kerajinan",
    "pengrajin": "kerajinan",
    "perajin": "kerajinan",
    "peternakan": "ternak",
    "peternak": "ternak",
    "masakan": "masak",
    "pemilah": "pilah",
    "pemilahan": "pilah",
    "pelatihan": "latih",
    "jualan": "jual",
    "dagangan": "dagang",
    "pedagang": "dagang",
    "perias": "rias",
    "riasan": "rias",
    "pengantin": "pengantin",
    "pekarangan": "pekarangan",
    "perikanan": "ikan",
    "pertanian": "tani",
    "petani": "tani",
    "sayuran": "sayur",
    "makanan": "makan",
    "minuman": "minum",
    "lowongan": "lowongan",
    "borongan": "borongan",
    "titipan": "titip",
    "kemasan": "kemas",
    "anyaman": "anyam",
    "rajutan": "rajut",
    "jahitan": "jahit",
    "olahan": "olah",
    "sampah": "sampah",
    "peliharaan": "pelihara",
    "rongsokan": "rongsok",
    "kebersihan": "bersih",
    "keripik": "keripik",
    "kerupuk": "kerupuk",
    "pesanan": "pesan",
    "usaha": "usaha",
    "pengusaha": "usaha",
    "bandar": "bandar",
    "tani": "tani",
    "batik": "batik",
    "membatik": "batik",
    "pembatik": "batik",
    "tanaman": "tanam",
    "bercocok": "cocok",
    "budidaya": "budidaya",
    "setrika": "setrika",
    "menyetrika": "setrika",
    "permak": "permak",
    "homestay": "homestay",
    "siger": "siger",
}

# Livelihood concepts. Keys are normalised (stemmed) tokens. A token can feed
# several concepts; broad parents ("craft", "food") let near-sectors meet.
CONCEPTS: dict[str, tuple[str, ...]] = {}


def _add(concepts: tuple[str, ...], words: str) -> None:
    for word in words.split():
        CONCEPTS[word] = tuple(dict.fromkeys(CONCEPTS.get(word, ()) + concepts))


_add(("sewing",), "jahit penjahit obras permak konveksi garmen resleting seragam "
     "kain gamis kemeja overdeck kerah celana jaket mukena sarung potong")
_add(("craft", "embroidery"), "bordir benang")
_add(("craft", "knitting"), "rajut hakpen kait taplak bros")
_add(("craft", "weaving"), "anyam bambu pandan sachet besek nyiru tikar plastik")
_add(("craft",), "kerajinan tangan kreatif daur ulang galeri keset perca sapu lem dus")
_add(("craft", "batik"), "batik canting lukis gambar warna pewarna motif")
_add(("food", "baking"), "kue roti bolu brownies oven adonan lapis legit nagasari "
     "bugis putu panggang baking bake mixer tangkring toples kukus")
_add(("food", "cooking"), "masak dapur katering nasi box liwet pepes jengkol semur "
     "hajat hajatan juru ompreng porsi karedok sambal ayam_bakar uduk tahlil")
_add(("food", "snack"), "keripik kerupuk ranginang opak dodol manisan jajanan goreng "
     "abon nugget tempe tahu kedelai geplak oleh pala balado olah stik cilok")
_add(("laundry",), "cuci setrika laundri gosok lipat kost")
_add(("cleaning",), "bersih sapu pel beres pembantu cleaning housekeeping")
_add(("childcare",), "asuh balita bayi anak_orang pengasuh sitter jaga")
_add(("beauty",), "rias makeup dandan sanggul pengantin kerudung hijab siger salon")
_add(("poultry", "livestock"), "ayam telur unggas broiler petelur doc kandang")
_add(("goat", "livestock"), "domba kambing arit rumput gembala maro paro")
_add(("fish", "livestock"), "ikan lele kolam bioflok tambak terpal mas nila")
_add(("livestock",), "ternak pakan pelihara")
_add(("farming",), "tanam kebun sayur pekarangan bibit hidroponik sawah padi tani "
     "polybag siram panen talas singkong ubi cengkeh kopi petik kangkung bayam "
     "cabai lahan tanah pupuk organik semai")
_add(("retail",), "warung sembako dagang toko grosir beras minyak mie etalase gerobak "
     "kios jual jualan")
_add(("online",), "online reseller dropship marketplace shopee whatsapp facebook "
     "posting instagram digital handphone android internet")
_add(("business",), "modal usaha kur pinjam simpan koperasi nib pirt halal catat "
     "keuangan hpp omzet untung rugi arisan")
_add(("labour",), "angkut cangkul fisik jalan material batu buruh harian kuat "
     "padat karya pktd saluran irigasi tpt lumpur")
_add(("tourism",), "homestay inap tamu vila wisata curug wisatawan")
_add(("waste",), "sampah pilah rongsok botol kardus bekas pulung tpa")
_add(("packing",), "packing kemas label sortir")

# Assets: canonical asset -> words that reveal it in a household's asset list
# or in an offer's requirements.
ASSETS: dict[str, tuple[str, ...]] = {
    "sewing_machine": ("mesin jahit", "mesin jait", "punya mesin"),
    "oven": ("oven",),
    "smartphone": ("smartphone", "hp android", "android", "hp", "handphone", "whatsapp"),
    "motorbike": ("motor", "kendaraan"),
    "stove": ("kompor",),
    "land": ("lahan", "tanah kosong", "pekarangan", "kebun"),
    "fish_pond": ("kolam",),
    "livestock_pen": ("kandang",),
    "iron": ("setrika", "setrikaan"),
    "washing_machine": ("mesin cuci",),
    "shop": ("warung", "etalase", "kios", "tempat warung"),
}

# Offer phrases that say an asset is *required* (not merely mentioned).
ASSET_REQUIREMENT_HINTS: tuple[str, ...] = (
    "punya", "wajib", "harus", "sendiri", "ada ", "bawa", "milik",
)

# Offer skill phrases that are traits, not skills one could lack or learn.
SOFT_SKILLS: frozenset[str] = frozenset(
    """
    rajin jujur teliti sabar telaten rapi rapih bersih kuat sehat ramah amanah
    tepat waktu mau belajar bisa diajarin siap aktif kreatif higienis tahan
    """.split()
)
