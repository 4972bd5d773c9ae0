"""Curated vocabulary for the ranker's normalised profile texts.

Everything here is general vocabulary, not tuned to any single district: livelihood
folding of product names and loanwords, a stopword list, fixes for known Sastrawi
stemming errors, and a small domain lexicon that groups words into livelihood
concepts (sewing, baking, poultry...). Regional and slang words are not here: they
are data files read by :mod:`matchmaker.reference.regional`, applied first.
"""

from __future__ import annotations

from ..reference.stopwords import stopwords

# Livelihood folding applied after regional words are standardised (see
# matchmaker.reference.regional, whose data files hold every regional and slang
# word): product names and loanwords grouped under the word the concepts below
# know ("klepon" is a cake, "laundry" is washing). Not a dictionary of regional
# words: a word here is Indonesian or an international loanword.
COLLOQUIAL: dict[str, str] = {
    "masakan": "masak", "dadak": "dadakan", "hakpen": "rajut hakpen", "crochet": "rajut",
    "rongsok": "rongsokan", "jajan": "jajanan", "gorengan": "goreng", "bala": "",
    "gehu": "goreng", "cireng": "goreng", "brownis": "brownies", "bolu": "bolu kue",
    "klepon": "kue", "nastar": "kue kering", "kastengel": "kue kering", "liwetan": "liwet",
    "prasmanan": "katering", "catering": "katering", "nasbox": "nasi box",
    "mua": "makeup rias", "make": "makeup", "dandan": "rias dandan",
    "baby": "bayi", "sitter": "asuh", "babysitter": "asuh anak", "daycare": "asuh anak",
    "art": "pembantu rumah tangga", "laundry": "laundri cuci", "laundri": "cuci",
    "kiloan": "cuci", "homestay": "homestay inap", "villa": "vila",
    "ternakan": "ternak", "peternakan": "ternak", "beternak": "ternak",
    "greenhouse": "hidroponik", "pembukuan": "catat keuangan", "kredit": "pinjam",
    "smartphone": "handphone android", "garment": "garmen", "mulung": "pulung sampah",
    "kecilkan": "kecil permak", "setrikaan": "setrika",
}

# Words that carry no matching signal; "bisa", "kerja" and "buat" are signal here (see the data file).
STOPWORDS: frozenset[str] = stopwords("ranking")

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
# Livelihoods of districts beyond West Java, in standard Indonesian (regional words reach
# these through the regional files): waterfowl, sea and river fish, estate crops, weaving.
_add(("poultry", "livestock"), "itik bebek entok angsa puyuh")
_add(("livestock",), "sapi kerbau")
_add(("fish", "livestock"), "bandeng patin gurami gurame mujair udang keramba nelayan "
     "jaring pancing teri cumi rajungan kerang")
_add(("farming",), "jagung karet sadap kakao kelapa sawit jeruk pisang cengkih sirih nilam tebu "
     "tembakau bawang tomat terong kacang sayuran")
_add(("craft", "weaving"), "tenun songket ulos rotan purun nipah lidi")
_add(("craft", "batik"), "sasirangan jumput celup")
_add(("retail",), "lapak kelontong asongan")
_add(("packing",), "pabrik operator")  # factory work is packing and line work, in any region
_add(("tourism",), "pemandu cinderamata souvenir")
# General livelihood words that profiles and offers all over the country use and that the groups
# above missed: garments, hand embroidery and beadwork, woven hats and bags, pottery and jewellery,
# regional cakes and dishes, spices and herbs, sea work, shop and office work, line work.
_add(("sewing",), "kebaya busana jas jilbab")
_add(("craft", "embroidery"), "sulam kerancang manik payet")
_add(("craft", "weaving"), "songkok caping ketak sutra sutera gedogan atbm")
_add(("craft",), "tas dompet gerabah tembikar keramik cukli")
_add(("craft", "jewellery"), "perhiasan permata akik cincin mutiara kecubung")
_add(("food", "baking"), "wajik lemper apam apang bingka risoles onde serabi")
_add(("food", "cooking"), "rendang gulai bumbu lemang ketupat plecing taliwang bulayak")
_add(("food", "snack"), "tape peyek rengginang")
_add(("food", "herbal"), "jamu ramu rempah kunyit jahe temulawak")
_add(("farming",), "kentang rawit mete kunyit jahe")
_add(("fish", "livestock"), "laut perahu melaut")
_add(("beauty",), "kosmetik rambut")
_add(("retail",), "pramuniaga kasir")
_add(("office",), "admin administrasi komputer kantor ketik excel")
_add(("packing",), "timbang bungkus kupas jemur")

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
