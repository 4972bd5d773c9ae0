"""Names and texts the demo district is written from.

Everything here is invented, written the way people in western Kabupaten Bogor write:
informal Indonesian with abbreviations (``yg``, ``utk``, ``ibu2``), Sundanese words
(``hoyong``, ``imah``, ``budak``) and the odd typo. Texts may hold ``{desa}``, ``{kec}``
and ``{org}`` placeholders, filled in with the place and partner they are used for.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- People -------------------------------------------------------------------------

WOMEN_FIRST = (
    "Siti", "Euis", "Neneng", "Imas", "Dedeh", "Yeti", "Nurhayati", "Aisyah", "Enung",
    "Entin", "Cucu", "Iis", "Lilis", "Nining", "Popon", "Teti", "Titin", "Tati", "Elis",
    "Eti", "Ela", "Ai", "Eulis", "Nenden", "Rina", "Rini", "Yanti", "Sri", "Wati", "Heni",
    "Yuyun", "Nia", "Lia", "Dewi", "Sumiati", "Ratna", "Rohmah", "Rohayati", "Mimin", "Nani",
    "Ani", "Kokom", "Komariah", "Maryam", "Mulyani", "Fitri", "Nurlela", "Nuraeni", "Atikah",
    "Eem", "Ucu", "Uun", "Yayah", "Yoyoh", "Susi", "Tini", "Wiwin", "Yuli", "Ika", "Intan",
    "Santi", "Erna", "Hasanah", "Halimah", "Rosidah", "Nurul", "Ineu", "Evi", "Desi", "Tuti",
)

WOMEN_SECOND = (
    "Suryani", "Nurjanah", "Rahmawati", "Komalasari", "Maryati", "Sumarni", "Hayati",
    "Kurniasih", "Rosita", "Handayani", "Setiawati", "Fatimah", "Juariah", "Mulyasari",
    "Rohaeti", "Saadah", "Aminah", "Kartika", "Sulastri", "Wulandari", "Permatasari",
    "Lestari", "Nurhasanah", "Solihah", "Rukmini", "Jubaedah", "Sopiah", "Romlah",
    "Kurniawati", "Hermawati", "Apriliani", "Marlina", "Susanti", "Nurlaela", "Umayah",
    "Yuningsih", "Kartini", "Hindasah", "Suhaeti", "Agustina", "Sundari", "Herawati",
    "Maesaroh", "Nuraida", "Ruhiyat", "Sukaesih",
)

# Older women in the kampung often carry a single name.
WOMEN_SINGLE = (
    "Onih", "Enok", "Carsih", "Icih", "Warsih", "Ijah", "Enah", "Juju", "Emah", "Oneng",
    "Saonah", "Omah", "Nonoh", "Kuraesin", "Eneng", "Anah", "Oom", "Ecin", "Iyah", "Uneh",
)

MEN_FIRST = (
    "Asep", "Ujang", "Dadang", "Deden", "Cecep", "Agus", "Hendra", "Yusuf", "Dedi", "Iwan",
    "Jajang", "Ruslan", "Ahmad", "Rudi", "Wawan", "Acep", "Dudi", "Budi", "Yayan", "Ajat",
    "Tatang", "Usep", "Aep", "Dede", "Ridwan", "Maman", "Endang", "Oman",
)

MEN_SECOND = (
    "Saepudin", "Suryana", "Hidayat", "Permana", "Sutisna", "Kurniawan", "Hermawan",
    "Setiawan", "Mulyana", "Rohman", "Sobari", "Firmansyah", "Nugraha", "Ramdani",
    "Sopandi", "Gunawan", "Supriatna", "Rusmana",
)

KAMPUNG = (
    "Cibeureum", "Cipeuteuy", "Babakan", "Sawah", "Pasir Kaliki", "Cilubang", "Bojong",
    "Pabuaran", "Cikoneng", "Tegal", "Gunung Batu", "Sindangbarang", "Lebak", "Pasir Angin",
    "Kebon Kopi", "Sukamanah", "Cilangkap", "Warung Loa", "Neglasari", "Sirnagalih",
    "Cimapag", "Pasir Muncang", "Legok", "Jati", "Ciherang Girang", "Babakan Sirna",
    "Cikaret", "Muara", "Tanjakan", "Leuwi Nutug", "Cisalada", "Pasir Gaok", "Kebon Pedes",
    "Cilember", "Nangerang", "Ciangsana", "Sawah Lega", "Pamoyanan", "Cijambu", "Batu Tulis",
)

# --- Household profiles ---------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    """A kind of livelihood profile a facilitator writes down, with its usual variants."""

    key: str
    weight: int
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    work: tuple[str, ...]
    business: tuple[str, ...]
    # Assets typical of the persona, each with the chance that she has it.
    assets: tuple[tuple[str, float], ...]
    # Weights of wage / own_business / any.
    preference: tuple[int, int, int]


PERSONAS = (
    Persona(
        key="jahit",
        weight=16,
        skills=(
            "bisa ngejahit pake mesin", "jahit baju anak & daster", "vermak celana, ganti seleting",
            "ngobras dikit2", "ngaput gamis sendiri", "jahit tangan rapih", "bisa bikin pola rok",
            "pasang kancing & lubang kancing", "jahit kerudung segi empat",
        ),
        interests=(
            "pengen nerima jahitan di rumah aja", "hoyong gaduh usaha permak sorangan",
            "mau ikut konveksi yg borongan, dikerjain di imah", "pengen belajar bikin pola gamis",
            "pengen punya mesin obras biar bisa terima orderan konveksi",
        ),
        work=(
            "pernah kerja di konveksi di {kec} kurleb 2 thn",
            "dulu operator jahit di garmen Ciampea, berenti pas nikah",
            "blm pernah kerja formal", "bantu2 di rumah jahit sodara pas mau lebaran",
            "3 thn di pabrik garmen Cileungsi, pulang kampung th 2018",
        ),
        business=(
            "nerima jahitan tetangga kl ada", "-", "pernah jualan daster keliling, berenti krn modal abis",
            "permak kecil2an, sebulan paling 10-15 potong",
        ),
        assets=(("mesin jahit", 0.7), ("mesin obras", 0.15)),
        preference=(2, 3, 4),
    ),
    Persona(
        key="kue",
        weight=16,
        skills=(
            "bikin kue basah (bolu kukus, lapis, kue lumpur)", "bisa bikin nastar & kastengel pas lebaran",
            "masak buat hajatan", "bikin gorengan, cireng, bala2", "bikin keripik singkong & pisang",
            "masak enak kata tetangga, sering dimintain masak pas syukuran", "bikin donat & roti goreng",
            "nyieun rangginang jeung opak", "bisa bikin tumpeng",
        ),
        interests=(
            "pengen jualan kue titip di warung2", "pengen punya usaha katering kecil2an",
            "hayang dagang kue kering online", "mau ikut pelatihan PIRT biar bs masuk toko oleh2",
            "pengen jd mitra katering yg masaknya di rumah",
        ),
        work=(
            "bantu2 di katering aqiqah pas rame", "pernah jd tukang masak warteg di Jakarta 2 thn",
            "-", "kerja di toko roti {kec} 1 thn", "asisten dapur di rumah makan Sunda (harian)",
        ),
        business=(
            "jualan kue titip ke warung 5 bks/hr", "jualan gorengan depan SD tiap pagi",
            "pesenan kue pas lebaran aja", "jualan nasi uduk pagi2 depan rumah",
            "dagang seblak & cilok buat anak2 sekolah",
        ),
        assets=(("oven", 0.35), ("mixer", 0.3), ("kompor gas", 0.9), ("freezer", 0.1)),
        preference=(1, 4, 3),
    ),
    Persona(
        key="dagang",
        weight=14,
        skills=(
            "dagang, ngitung cepet", "buka warung kecil2an depan rumah", "jualan sayur keliling",
            "ngelola arisan RT", "bisa nyatet utang piutang warung", "jualan pulsa & token",
            "nawarin barang ke tetangga, supel",
        ),
        interests=(
            "pengen nambah modal buat warung", "pengen jualan sembako lengkap",
            "mau jd agen/reseller biar gak usah stok banyak", "hoyong buka warung kopi di pinggir jalan",
            "pengen jd agen gas & galon",
        ),
        work=(
            "pernah jd SPG di toko baju pasar {kec}", "bantu suami dagang cilok keliling",
            "jaga toko sembako orang 3 thn", "-", "kasir minimarket 1 thn th 2016",
        ),
        business=(
            "warung kopi & mie instan depan rumah", "jualan pulsa & token listrik",
            "dagang sayur di pasar {kec} tiap subuh", "warung jajanan anak, omzet 100rb/hr",
            "jualan baju kredit ke tetangga",
        ),
        assets=(("gerobak", 0.3), ("etalase", 0.35), ("kulkas", 0.25), ("motor", 0.4)),
        preference=(1, 5, 2),
    ),
    Persona(
        key="tani",
        weight=12,
        skills=(
            "macul, tandur, ngarambet di sawah", "ngurus kebun singkong & talas", "nanem sayur di polybag",
            "metik manggis pas musim", "ngurus jamur tiram (bantu tetangga)", "nyemai bibit cabe",
            "panen & sortir sayur",
        ),
        interests=(
            "pengen kerja di kebun yg deket rumah", "pengen nanem sayur hidroponik",
            "mau jualan hasil kebun sendiri", "hoyong melak jamur di tukangeun imah",
            "pengen kerja harian yg pasti tiap minggu",
        ),
        work=(
            "buruh tani harian, upah 60rb/hr", "kerja di kebun jamur 1 thn", "bantu di sawah mertua",
            "buruh petik di kebun sayur Pamijahan", "ngarambet di sawah orang kl musim",
        ),
        business=(
            "jual talas hasil kebun ke tengkulak", "-", "jualan cabe & tomat hasil pekarangan",
        ),
        assets=(("lahan", 0.45), ("cangkul", 0.6)),
        preference=(4, 2, 3),
    ),
    Persona(
        key="ternak",
        weight=8,
        skills=(
            "ngurus domba 3 ekor", "ngurus ayam kampung", "ngasih pakan lele", "ngurus balong lauk mas",
            "ngarit buat domba tiap sore", "ngurus bebek petelur",
        ),
        interests=(
            "pengen ternak lele di kolam terpal", "hoyong ngingu domba sorangan",
            "mau jual telur ayam kampung", "pengen usaha ikan, ada tanah kosong di belakang",
        ),
        work=(
            "bantu di kandang ayam petelur 2 thn", "ngurus domba titipan orang (maro)",
            "-", "kerja di kolam ikan hias {kec}",
        ),
        business=(
            "jual ayam kampung pas lebaran haji", "maro domba sm tetangga", "-",
        ),
        assets=(("lahan", 0.5), ("kandang", 0.4), ("kolam terpal", 0.2)),
        preference=(2, 5, 2),
    ),
    Persona(
        key="kerajinan",
        weight=7,
        skills=(
            "nganyam awi (besek, boboko)", "ngerajut tas & dompet", "bikin bros & aksesoris hijab",
            "merangkai bunga kertas", "ngelem sandal", "manik2 & gantungan kunci",
        ),
        interests=(
            "pengen ngerjain kerajinan borongan di rumah", "mau belajar rajut yg lebih rapi",
            "pengen jualan kerajinan ke toko oleh2",
        ),
        work=(
            "borongan ngelem sandal hotel di Ciampea", "bantu pengrajin bambu di {desa}",
            "-", "kerja di pabrik sepatu Ciomas 2 thn",
        ),
        business=(
            "jual besek ke pengepul 1000/biji", "jualan tas rajut di IG, blm laku banyak", "-",
        ),
        assets=(("gunting & alat rajut", 0.5),),
        preference=(2, 3, 4),
    ),
    Persona(
        key="salon",
        weight=5,
        skills=(
            "bisa make up tipis2 & nyanggul", "potong rambut anak2", "luluran & creambath",
            "pasang siger pengantin", "bisa henna",
        ),
        interests=(
            "pengen kursus rias pengantin", "mau buka salon kecil di rumah",
            "pengen ikut MUA biar nambah pengalaman",
        ),
        work=(
            "asisten salon di {kec} 8 bln", "bantu rias pas hajatan tetangga", "-",
        ),
        business=(
            "terima rias pagar ayu, 50rb/org", "-",
        ),
        assets=(("alat make up", 0.6), ("hair dryer", 0.3)),
        preference=(1, 4, 3),
    ),
    Persona(
        key="online",
        weight=7,
        skills=(
            "jualan di WA & FB", "bisa pake shopee, upload foto produk", "ngetik di HP cepet",
            "bisa bikin story jualan yg menarik", "aktif di grup FB jual beli {kec}",
        ),
        interests=(
            "pengen jd reseller/dropship hijab", "mau jualan online tanpa stok",
            "pengen belajar jualan di tiktok", "mau jd admin olshop yg kerjanya dari rumah",
        ),
        work=(
            "admin olshop baju 6 bln (WFH)", "-", "jaga konter HP di pasar {kec}",
        ),
        business=(
            "pernah dropship skincare, untung dikit", "jualan frozen food PO tiap minggu", "-",
        ),
        assets=(("laptop", 0.05),),
        preference=(1, 4, 4),
    ),
    Persona(
        key="rumahtangga",
        weight=10,
        skills=(
            "nyuci nyetrika rapi", "beberes rumah", "momong anak, telaten", "ngurus lansia",
            "masak sehari2", "rajin & bisa dipercaya",
        ),
        interests=(
            "kerja cuci gosok harian", "ART pulang hari yg deket", "mau jagain anak/lansia",
            "kerja apa aja yg deukeut imah",
        ),
        work=(
            "ART di Jakarta 3 thn", "cuci gosok di perumahan Dramaga", "ngasuh anak tetangga",
            "kerja di laundry kiloan 1 thn",
        ),
        business=("-", "nerima setrikaan tetangga"),
        assets=(("setrika", 0.8), ("mesin cuci", 0.15)),
        preference=(5, 1, 2),
    ),
    Persona(
        key="pabrik",
        weight=5,
        skills=(
            "packing & sortir barang", "kerja shift kuat", "operator mesin (pabrik)",
            "teliti ngecek barang reject", "nimbang & ngemas",
        ),
        interests=(
            "kerja pabrik yg deket", "pengen kerja tetap gajian bulanan",
            "kerja di gudang asal ada BPJS",
        ),
        work=(
            "pabrik sepatu di Ciomas 3 thn", "packing di gudang ekspedisi Dramaga",
            "buruh pabrik garmen kontrak 1 thn",
        ),
        business=("-",),
        assets=(),
        preference=(6, 1, 1),
    ),
)

# About one profile in twenty is barely filled in: the facilitator will come back to it.
THIN_SKILLS = ("", "-", "blm ada", "blm ada keahlian khusus", "ibu rumah tangga", "blm didata")
THIN_INTERESTS = ("", "apa aja", "blm ditanya", "-")

CHILDCARE_NOTES = (
    "budak masih leutik", "anak masih balita", "ngurus anak yg msh kecil",
)

# --- Partners and their offers --------------------------------------------------------


@dataclass(frozen=True)
class OfferTemplate:
    """An offer or program as a partner of some archetype would post it."""

    kind: str
    title: str
    description: str
    skills: str
    # Persona keys of the households the offer suits, for picking plausible matches.
    tags: tuple[str, ...]
    home_based: bool = False
    reach: str = "kecamatan"
    places: tuple[int, int] = (1, 3)
    hours: int | None = None
    schedule: str | None = None
    pay: tuple[int, int] | None = None
    pay_terms: str | None = None
    funding: str | None = None


@dataclass(frozen=True)
class BusinessSpec:
    """A demo business: who runs it, where, what it makes and which offers it posts.

    ``picks`` index its archetype's templates, chosen by hand so that a salon does not
    advertise for ironing help.
    """

    name: str
    sector: str
    desa_code: str
    archetype: str
    contact: str
    about: str
    product: str
    picks: tuple[int, ...]


@dataclass(frozen=True)
class VillageOfficeSpec:
    """A demo village office and the programs it lists."""

    name: str
    desa_code: str
    contact: str
    about: str
    programs: tuple[str, ...]


OFFER_TEMPLATES: dict[str, tuple[OfferTemplate, ...]] = {
    "konveksi": (
        OfferTemplate(
            "job", "Dicari penjahit borongan {produk}, bisa dikerjain di rumah",
            "Bahan udh dipotong dr kami, ibu2 tinggal jahit & rapihin. Ambil & setor barang ke {org} "
            "di {desa} tiap 3 hari. Wajib punya mesin jahit sendiri, yg ada obras lebih diutamain.",
            "jahit, mesin jahit sendiri, obras", ("jahit",), home_based=True, reach="kecamatan",
            places=(4, 10), pay=(8_000, 15_000), pay_terms="per potong, dibayar tiap sabtu",
        ),
        OfferTemplate(
            "job", "Lowongan operator jahit (mesin high speed) kerja di tempat",
            "Butuh segera operator jahit buat produksi {produk}. Kerja senin-sabtu di "
            "workshop {desa}, ada uang makan. Yg blm lancar high speed boleh dicoba dulu seminggu.",
            "operator jahit, high speed, kerja shift", ("jahit", "pabrik"), reach="kabupaten",
            places=(2, 6), hours=40, schedule="Sen-Sab 08.00-16.00", pay=(1_800_000, 2_600_000),
            pay_terms="per bulan + uang makan",
        ),
        OfferTemplate(
            "apprenticeship", "Magang jahit 3 bln utk ibu2 yg blm bisa pake mesin",
            "Belajar dr nol: kenal mesin, jahit lurus, pasang resleting, jahit kaos. Tempat di {org}, "
            "mesin disediain. Stlh lulus bisa langsung ambil borongan dr kami.",
            "mau belajar jahit, sabar, teliti", ("jahit", "kerajinan"), reach="kecamatan",
            places=(2, 4), hours=20, schedule="Sen-Kam 09.00-14.00", pay=(500_000, 750_000),
            pay_terms="uang saku per bulan selama magang",
        ),
        OfferTemplate(
            "job", "Butuh ibu2 buang benang & lipat packing (borongan)",
            "Kerjaan finishing: gunting sisa benang, lipat, masukin plastik. Gak perlu mesin, "
            "cukup gunting & teliti. Barang bisa dibawa pulang, setor ke {desa}.",
            "teliti, rapihin benang, packing", ("jahit", "pabrik", "rumahtangga", "kerajinan"),
            home_based=True, reach="kecamatan", places=(5, 10), pay=(2_000, 4_000),
            pay_terms="per kodi",
        ),
        OfferTemplate(
            "supplier", "Mitra jahit mukena & kerudung - bahan & pola dr kami",
            "{org} cari mitra penjahit rumahan buat mukena & kerudung. Pola, bahan, renda dr kami, "
            "ibu2 jahit di rumah. Minimal setor 2 kodi/minggu. Dibayar per potong, lancar tiap jumat.",
            "jahit mukena, jahit kerudung, mesin jahit", ("jahit",), home_based=True, reach="kabupaten",
            places=(5, 10), pay=(7_000, 12_000), pay_terms="per potong",
        ),
        OfferTemplate(
            "mentoring", "Pendampingan buka usaha permak/vermak di rumah",
            "Buat ibu2 yg udh bisa jahit tp blm berani terima orderan sendiri: kami ajarin ngitung "
            "ongkos, nerima pesanan, & promosi di grup WA. 4x pertemuan di {desa}.",
            "bisa jahit, mau usaha sendiri", ("jahit",), reach="kecamatan", places=(4, 8), hours=3,
            schedule="tiap sabtu pagi, 4x",
        ),
    ),
    "bordir": (
        OfferTemplate(
            "job", "Finishing bordir kerudung, bisa dibawa pulang",
            "Rapihin benang sisa bordir, gunting, lipat & packing kerudung. Barang diambil sendiri di "
            "{desa}. Sehari bisa 2-3 kodi kl telaten.", "teliti, gunting benang, packing",
            ("jahit", "kerajinan", "rumahtangga"), home_based=True, reach="kecamatan", places=(4, 8),
            pay=(5_000, 8_000), pay_terms="per kodi",
        ),
        OfferTemplate(
            "apprenticeship", "Magang operator mesin bordir komputer",
            "Diajarin masang pidangan, ganti benang, jalanin desain di mesin bordir komputer. "
            "Kerja di tempat {org}, 2 bln magang, abis itu bisa jd karyawan.",
            "teliti, mau belajar mesin", ("jahit", "pabrik"), reach="kecamatan", places=(1, 3),
            hours=35, schedule="Sen-Sab 08.00-15.00", pay=(800_000, 1_000_000),
            pay_terms="uang saku per bulan",
        ),
        OfferTemplate(
            "supplier", "Reseller kerudung bordir, ambil barang bayar belakangan",
            "Buat ibu2 yg seneng jualan: ambil 1 lusin dulu, bayar pas laku. Foto katalog dr kami. "
            "Untung 10-15rb per pcs.", "jualan, HP android, WA", ("online", "dagang"),
            home_based=True, reach="kabupaten", places=(8, 10), pay=(10_000, 15_000),
            pay_terms="untung per pcs",
        ),
        OfferTemplate(
            "job", "Tukang pasang payet & mote (borongan rumahan)",
            "Pasang payet di gamis pesta & kebaya. Pola udh digambar, payet dr kami. Hrs sabar & "
            "mata masih awas.", "pasang payet, jahit tangan, sabar", ("jahit", "kerajinan"),
            home_based=True, reach="kecamatan", places=(3, 6), pay=(15_000, 35_000),
            pay_terms="per potong tergantung motif",
        ),
    ),
    "kue": (
        OfferTemplate(
            "supplier", "Titip kue basah di toko kami tiap pagi",
            "Kami terima titipan kue basah (lapis, bolu kukus, risol, pastel) dr ibu2 sekitar {desa}. "
            "Setor jam 6 pagi, sisa diambil sore. Bagi hasil 80:20 buat yg bikin.",
            "bikin kue basah, bangun subuh, higienis", ("kue",), home_based=True, reach="kecamatan",
            places=(5, 10), pay=(1_000, 2_000), pay_terms="untung per biji",
        ),
        OfferTemplate(
            "job", "Asisten dapur roti & kue, kerja pagi",
            "Bantu nimbang bahan, ngaduk adonan, ngebentuk roti, nyuci loyang. Kerja di dapur {org}, "
            "senin-sabtu. Yg udh pernah di toko roti diutamain.", "ngadon, nimbang, rajin, bersih",
            ("kue",), reach="kecamatan", places=(1, 3), hours=36, schedule="Sen-Sab 05.00-11.00",
            pay=(1_500_000, 2_000_000), pay_terms="per bulan",
        ),
        OfferTemplate(
            "supplier", "Kemitraan kue kering lebaran (nastar, kastengel, putri salju)",
            "Resep & toples dr kami, ibu2 produksi di rumah sendiri mulai 2 bln sblm lebaran. "
            "Wajib punya oven. Dibayar per toples, bahan dipotong di akhir.",
            "kue kering, punya oven, rapi", ("kue",), home_based=True, reach="kabupaten",
            places=(6, 10), pay=(18_000, 25_000), pay_terms="per toples",
        ),
        OfferTemplate(
            "apprenticeship", "Belajar bikin roti & bolu sampe bisa jualan sendiri",
            "Magang sebulan di dapur {org}: roti sobek, donat, bolu gulung. Bahan praktek dr kami, "
            "akhir magang dikasih resep & daftar supplier bahan.", "mau belajar baking",
            ("kue", "dagang"), reach="kecamatan", places=(2, 3), hours=15, schedule="Sel & Kam 08.00-15.00",
        ),
        OfferTemplate(
            "mentoring", "Pendampingan urus PIRT & kemasan buat usaha kue rumahan",
            "Kami bantu ibu2 yg udh jualan kue: urus izin PIRT, bikin label & kemasan biar bs masuk "
            "toko oleh2. Gratis, 3x ketemu di {desa}.", "udh jualan kue/makanan",
            ("kue", "dagang"), reach="kabupaten", places=(5, 10), hours=3,
            schedule="3x pertemuan, hari minggu",
        ),
    ),
    "katering": (
        OfferTemplate(
            "job", "Bantu masak di katering (harian)",
            "Motong sayur, ngulek bumbu, goreng, packing nasi kotak. Kerja di dapur {org} {desa}. "
            "Kl orderan rame bisa sampe malem, dihitung lembur.", "masak, cepet, bersih",
            ("kue", "rumahtangga"), reach="kecamatan", places=(2, 5), hours=30,
            schedule="Sen-Sab 06.00-12.00", pay=(70_000, 90_000), pay_terms="per hari",
        ),
        OfferTemplate(
            "supplier", "Mitra masak rumahan pas pesenan lagi banyak",
            "Kalau ada pesenan nasi kotak / tumpeng gede, kami bagi ke ibu2 mitra yg masak di dapur "
            "sendiri. Menu & bahan dr kami, dibayar per box. Hrs punya kompor 2 tungku.",
            "masak enak, kompor gas, bisa pagi2", ("kue",), home_based=True, reach="kecamatan",
            places=(3, 6), pay=(3_000, 5_000), pay_terms="per box",
        ),
        OfferTemplate(
            "job", "Pramusaji & cuci piring warung nasi",
            "Nganter pesenan, beberes meja, cuci piring. Warung rame pas jam makan siang & weekend. "
            "Deket jalan raya {desa}.", "ramah, cekatan, beberes", ("rumahtangga", "dagang"),
            reach="desa", places=(1, 2), hours=42, schedule="Sel-Min 10.00-17.00",
            pay=(1_400_000, 1_800_000), pay_terms="per bulan + makan",
        ),
        OfferTemplate(
            "apprenticeship", "Magang juru masak masakan Sunda",
            "Belajar masak sayur asem, pepes, sambel, ayam goreng bumbu kuning ala {org}. "
            "Magang 6 minggu, dikasih uang transport.", "masak, mau belajar", ("kue",),
            reach="kecamatan", places=(1, 2), hours=30, schedule="Sen-Jum 07.00-13.00",
            pay=(25_000, 30_000), pay_terms="uang transport per hari",
        ),
        OfferTemplate(
            "supplier", "Cari ibu2 pemasok {produk} rumahan",
            "Cari ibu2 yg bisa bikin {produk} buat dijual di kedai kami. Resep boleh dr ibu, asal "
            "rasanya cocok pas dicobain. Setor tiap pagi, dibayar tiap minggu.",
            "masak, jajanan, bangun pagi", ("kue", "dagang"), home_based=True, reach="kecamatan",
            places=(2, 4), pay=(500, 1_000), pay_terms="per biji",
        ),
    ),
    "olahan": (
        OfferTemplate(
            "supplier", "Mitra produksi {produk} di rumah",
            "Bahan mentah & plastik dr {org}, ibu2 olah di rumah (goreng, bumbuin, jemur), kami ambil "
            "tiap minggu. Perlu kompor & wajan gede. Dibayar per kg jadi.", "goreng, bumbuin, kompor",
            ("kue", "dagang"), home_based=True, reach="kabupaten", places=(4, 8),
            pay=(8_000, 12_000), pay_terms="per kg",
        ),
        OfferTemplate(
            "job", "Pekerja produksi & packing (pagi)",
            "Ngupas, ngiris, nimbang, sealer plastik. Tempat produksi di {desa}, kerja pagi biar "
            "siang bisa jemput anak.", "ngupas, packing, bersih", ("kue", "pabrik", "rumahtangga"),
            reach="kecamatan", places=(2, 6), hours=30, schedule="Sen-Sab 06.00-11.00",
            pay=(1_200_000, 1_600_000), pay_terms="per bulan",
        ),
        OfferTemplate(
            "capital", "Bantuan alat produksi buat mitra (wajan, spinner, sealer)",
            "Mitra yg udh jalan 3 bln dapet pinjaman alat dr {org}: spinner peniris minyak & sealer. "
            "Dicicil dr potongan setoran, tanpa bunga.", "udh jd mitra produksi",
            ("kue", "dagang"), home_based=True, reach="kecamatan", places=(2, 5),
            pay_terms="pinjaman alat +- Rp 1,5jt, dicicil 10x tanpa bunga",
        ),
        OfferTemplate(
            "mentoring", "Kelas jualan & kemasan produk olahan",
            "Ngobrol bareng soal harga jual, kemasan, jualan di marketplace & titip di minimarket. "
            "Buat ibu2 yg udh punya produk sendiri.", "punya produk makanan",
            ("kue", "dagang", "online"), reach="kabupaten", places=(6, 10), hours=4,
            schedule="2 sabtu, 09.00-13.00",
        ),
        OfferTemplate(
            "supplier", "Jd agen {produk} buat warung2 sekitar rumah",
            "Ambil {produk} harga agen dr {org}, jual lagi ke warung & tetangga. Gak perlu modal "
            "gede, barang bisa ambil seminggu 2x.", "dagang, supel, punya motor lebih bagus",
            ("dagang", "online"), home_based=True, reach="kecamatan", places=(5, 10),
            pay=(2_000, 5_000), pay_terms="untung per bungkus",
        ),
    ),
    "kebun": (
        OfferTemplate(
            "job", "Pekerja kumbung jamur (isi baglog, panen, packing)",
            "Kerjaan di kumbung: isi & susun baglog, nyiram, panen jamur subuh, packing buat pasar. "
            "Senin-sabtu di {desa}.", "telaten, gak takut kotor, bisa subuh", ("tani", "pabrik"),
            reach="kecamatan", places=(2, 5), hours=36, schedule="Sen-Sab 05.00-11.00",
            pay=(1_300_000, 1_800_000), pay_terms="per bulan",
        ),
        OfferTemplate(
            "supplier", "Plasma jamur tiram: kumbung kecil di rumah, hasil kami beli",
            "Ibu2 yg punya lahan/teras kosong bisa jd plasma. Baglog dr kami, hasil panen kami beli "
            "harga tetap per kg. Didampingi sampe panen pertama.", "lahan kosong, telaten, nyiram rutin",
            ("tani", "ternak"), home_based=True, reach="kecamatan", places=(4, 8),
            pay=(9_000, 12_000), pay_terms="per kg jamur segar",
        ),
        OfferTemplate(
            "capital", "Paket modal 200 baglog + rak, bayar dr hasil panen",
            "{org} kasih 200 baglog & rak bambu di depan, dicicil dr hasil panen 4 bln. Cocok buat "
            "yg pengen usaha sendiri di rumah.", "lahan/teras, mau usaha", ("tani", "ternak"),
            home_based=True, reach="kecamatan", places=(3, 6),
            pay_terms="modal barang +- Rp 1jt, dicicil dr hasil panen",
        ),
        OfferTemplate(
            "job", "Buruh panen & sortir sayur (harian)",
            "Panen selada, pakcoy, kangkung, terus sortir & iket. Kerja pagi di kebun {desa}, "
            "dibayar mingguan.", "panen sayur, sortir, kuat jalan", ("tani",), reach="desa",
            places=(3, 6), hours=24, schedule="Sen-Sab 06.00-10.00", pay=(60_000, 75_000),
            pay_terms="per hari, dibayar tiap sabtu",
        ),
        OfferTemplate(
            "apprenticeship", "Magang hidroponik & pembibitan",
            "Belajar semai, pindah tanam ke netpot, ngatur nutrisi. 2 bln di greenhouse {org}, "
            "ada uang saku. Abis itu bisa jd mitra.", "telaten, mau belajar", ("tani",),
            reach="kecamatan", places=(1, 3), hours=20, schedule="Sen, Rab, Jum 07.00-14.00",
            pay=(400_000, 600_000), pay_terms="uang saku per bulan",
        ),
        OfferTemplate(
            "supplier", "Mitra tanam sayur di pekarangan, hasil kami beli",
            "Bibit & pupuk organik dr {org}, ibu2 nanem di pekarangan/polybag. Panen kami beli harga "
            "tetap buat langganan sayur kami. Didampingi tiap 2 minggu.", "nanem, nyiram rutin, pekarangan",
            ("tani",), home_based=True, reach="kecamatan", places=(4, 8), pay=(8_000, 15_000),
            pay_terms="per kg",
        ),
    ),
    "ternak": (
        OfferTemplate(
            "job", "Pekerja kandang/kolam (ngasih pakan, bersih2)",
            "Ngurus {produk} tiap pagi & sore: kasih pakan, bersihin kandang/kolam. Deket {desa}. "
            "Cocok buat yg udh biasa ngurus ternak.", "ngurus ternak, ngarit, rajin",
            ("ternak", "tani"), reach="desa", places=(1, 3), hours=28,
            schedule="tiap hari 06.00-09.00 & 15.00-17.00", pay=(1_200_000, 1_500_000),
            pay_terms="per bulan",
        ),
        OfferTemplate(
            "capital", "Bibit lele + kolam terpal, bayar pas panen",
            "{org} kasih 1000 bibit lele, terpal & pakan awal. Hasil panen kami beli, modal dipotong "
            "pas panen. Lahan min 2x3 m di belakang rumah.", "lahan kosong, ngasih pakan rutin",
            ("ternak", "tani"), home_based=True, reach="kecamatan", places=(3, 6),
            pay_terms="modal +- Rp 2,5jt, dipotong dr hasil panen",
        ),
        OfferTemplate(
            "supplier", "Kami beli telur ayam kampung & bebek dr ibu2",
            "Punya ayam kampung/bebek di rumah? Kami ambil telurnya tiap minggu, harga di atas "
            "pengepul. Minimal 30 butir/minggu.", "ternak ayam, bebek", ("ternak",),
            home_based=True, reach="kecamatan", places=(5, 10), pay=(2_500, 3_500),
            pay_terms="per butir",
        ),
        OfferTemplate(
            "mentoring", "Pendampingan ternak domba sistem maro",
            "Ibu2 dapet 2 ekor domba titipan, anak pertama dibagi 2. Didampingi mantri hewan "
            "tiap bulan. Hrs ada kandang & bisa ngarit.", "ngarit, kandang, sabar",
            ("ternak", "tani"), home_based=True, reach="kecamatan", places=(3, 5), hours=10,
            schedule="kunjungan tiap bulan",
        ),
    ),
    "toko": (
        OfferTemplate(
            "job", "Penjaga toko / pramuniaga sembako",
            "Jaga toko, nimbang beras & gula, ngelayanin pembeli. Bisa ngitung cepet. Toko di "
            "{desa}, shift pagi atau siang.", "ngitung, ramah, jujur", ("dagang", "rumahtangga"),
            reach="kecamatan", places=(1, 3), hours=42, schedule="shift 07.00-14.00 / 14.00-21.00",
            pay=(1_500_000, 2_100_000), pay_terms="per bulan",
        ),
        OfferTemplate(
            "capital", "Program Warung Mitra: barang dulu, bayar belakangan",
            "Buat ibu2 yg punya warung kecil: ambil sembako dr {org} senilai 1-2jt, bayar 2 minggu "
            "sekali. Harga grosir, dianter ke warung.", "punya warung, dagang",
            ("dagang",), home_based=True, reach="kecamatan", places=(5, 10),
            pay_terms="tempo 14 hari, tanpa bunga",
        ),
        OfferTemplate(
            "mentoring", "Belajar pembukuan warung sederhana",
            "Cara nyatet modal, untung, utang pembeli pake buku atau aplikasi HP. 3x ketemu di "
            "{org}, gratis buat pelanggan warung mitra.", "dagang, bisa baca tulis",
            ("dagang", "online"), reach="kecamatan", places=(6, 10), hours=2,
            schedule="3x, sore ba'da ashar",
        ),
        OfferTemplate(
            "job", "Tukang timbang & packing gula/minyak curah",
            "Repack gula, minyak, tepung dr karungan ke plastik 1/4 & 1/2 kg. Kerja di gudang "
            "{desa} pagi-siang.", "nimbang, packing, teliti", ("pabrik", "dagang", "rumahtangga"),
            reach="desa", places=(2, 4), hours=30, schedule="Sen-Sab 07.00-12.00",
            pay=(250_000, 350_000), pay_terms="per minggu",
        ),
    ),
    "online": (
        OfferTemplate(
            "supplier", "Open reseller gamis & hijab, tanpa modal",
            "Jualan dr HP aja. Foto & caption dr kami, ibu share di WA story / FB. Barang dikirim dr "
            "gudang kami. Untung 15-30rb per pcs. Wajib HP android.", "HP android, aktif WA/FB, jualan",
            ("online", "dagang"), home_based=True, reach="kabupaten", places=(8, 10),
            pay=(15_000, 30_000), pay_terms="untung per pcs",
        ),
        OfferTemplate(
            "job", "Admin olshop (balas chat & input pesanan), kerja dr rumah",
            "Bales chat pembeli di WA & Shopee, input resi, rekap pesanan harian. Kerja dr rumah, "
            "HP & kuota dr sendiri, ada tambahan uang kuota.", "HP android, ngetik cepet, teliti",
            ("online",), home_based=True, reach="kabupaten", places=(1, 2), hours=25,
            schedule="tiap hari 09.00-15.00, gantian libur", pay=(1_000_000, 1_500_000),
            pay_terms="per bulan + uang kuota",
        ),
        OfferTemplate(
            "mentoring", "Kelas jualan online buat ibu2 (FB, WA, Shopee, TikTok)",
            "Belajar foto produk pake HP, bikin caption, buka toko di Shopee, live jualan. 4x "
            "pertemuan, bawa HP sendiri.", "HP android, mau jualan", ("online", "dagang", "kue"),
            reach="kabupaten", places=(8, 10), hours=3, schedule="4 minggu, tiap jumat siang",
        ),
    ),
    "anyaman": (
        OfferTemplate(
            "supplier", "Mitra anyaman: besek, nyiru, kap lampu",
            "Kami jual anyaman ke toko oleh2 & hotel. Bahan udh diraut dr {org}, ibu2 nganyam di "
            "rumah, dibayar per biji. Yg blm bisa diajarin dulu.", "nganyam, rapi, sabar",
            ("kerajinan",), home_based=True, reach="kabupaten", places=(6, 10),
            pay=(1_500, 12_000), pay_terms="per biji tergantung barang",
        ),
        OfferTemplate(
            "supplier", "Cari perajut tas & dompet, benang dr kami",
            "Pola & benang dr kami, ibu2 ngerajut di rumah. Setor tiap 2 minggu. Harus rapi & "
            "ukuran sesuai pola.", "ngerajut, rapi, teliti", ("kerajinan", "jahit"),
            home_based=True, reach="kabupaten", places=(4, 8), pay=(20_000, 45_000),
            pay_terms="per pcs",
        ),
        OfferTemplate(
            "apprenticeship", "Pelatihan nganyam/rajut dasar sampe bisa setor",
            "Belajar 6x di workshop {org} {desa}, bahan latihan gratis. Yg udh lulus langsung "
            "dapet orderan.", "mau belajar, sabar", ("kerajinan", "rumahtangga"),
            reach="kecamatan", places=(4, 8), hours=8, schedule="sabtu & minggu 13.00-17.00",
        ),
    ),
    "sandal": (
        OfferTemplate(
            "job", "Borongan ngelem & jahit sol sandal hotel",
            "Komponen sandal udh dipotong, ibu2 ngelem & rapihin di rumah. Lem & kuas dr kami. "
            "Diambil & dianter tiap 2 hari.", "ngelem, rapi, cepet", ("kerajinan", "pabrik"),
            home_based=True, reach="kabupaten", places=(6, 10), pay=(300, 600),
            pay_terms="per pasang",
        ),
        OfferTemplate(
            "job", "Operator produksi sandal & sepatu",
            "Kerja di workshop {desa}: potong, ngelem, pres, QC. Ada BPJS stlh 3 bln. Minimal "
            "SMP, umur maks 45.", "kerja pabrik, teliti, shift", ("pabrik", "kerajinan"),
            reach="kabupaten", places=(3, 8), hours=40, schedule="Sen-Sab 07.30-15.30",
            pay=(2_200_000, 2_900_000), pay_terms="per bulan",
        ),
        OfferTemplate(
            "job", "QC & packing sandal (sortir reject)",
            "Cek jahitan & lem, pisahin yg reject, masukin dus. Di gudang {org}.",
            "teliti, packing", ("pabrik", "rumahtangga"), reach="kecamatan", places=(2, 4),
            hours=35, schedule="Sen-Sab 08.00-14.00", pay=(1_600_000, 2_000_000),
            pay_terms="per bulan",
        ),
    ),
    "jasa": (
        OfferTemplate(
            "job", "Tukang setrika laundry kiloan",
            "Nyetrika & lipat cucian, banyak pelanggan anak kos. Kerja di tempat {desa}, bisa pilih "
            "shift pagi/siang.", "nyetrika rapi, cepet", ("rumahtangga",), reach="kecamatan",
            places=(1, 3), hours=35, schedule="shift 6 jam, Sen-Sab", pay=(1_300_000, 1_700_000),
            pay_terms="per bulan",
        ),
        OfferTemplate(
            "supplier", "Mitra setrika di rumah (cucian dianter)",
            "Cucian bersih kami anter ke rumah ibu, disetrika & dilipat, kami jemput lagi. "
            "Dibayar per kg.", "nyetrika, rapi, setrika sendiri", ("rumahtangga",),
            home_based=True, reach="desa", places=(2, 5), pay=(1_500, 2_500), pay_terms="per kg",
        ),
        OfferTemplate(
            "apprenticeship", "Magang asisten rias & salon",
            "Ikut ke hajatan (biasanya sabtu minggu), bantu rias pagar ayu & ibu2, pasang siger. "
            "Hari biasa bantu di salon {org}.", "make up dasar, nyanggul, rapi", ("salon",),
            reach="kecamatan", places=(1, 2), hours=16, schedule="Sab-Min + 2 hari biasa",
            pay=(50_000, 100_000), pay_terms="uang saku per job",
        ),
        OfferTemplate(
            "job", "Cuci gosok pulang hari di perumahan",
            "Beberes, nyuci, nyetrika di rumah pelanggan sekitar {desa}. Pulang hari, libur "
            "minggu.", "beberes, nyuci, jujur", ("rumahtangga",), reach="kecamatan", places=(2, 4),
            hours=30, schedule="Sen-Sab 07.00-12.00", pay=(1_200_000, 1_600_000),
            pay_terms="per bulan",
        ),
        OfferTemplate(
            "job", "Asisten salon muslimah (creambath, lulur, potong)",
            "Bantu di salon {org}: keramas, creambath, lulur, beberes alat. Yg blm bisa potong "
            "rambut diajarin. Khusus perempuan.", "creambath, lulur, ramah", ("salon", "rumahtangga"),
            reach="kecamatan", places=(1, 2), hours=36, schedule="Sel-Min 09.00-16.00",
            pay=(1_200_000, 1_500_000), pay_terms="per bulan + bonus per pelanggan",
        ),
    ),
    "wisata": (
        OfferTemplate(
            "job", "Bebenah homestay & bantu dapur (weekend)",
            "Tamu rame tiap weekend & libur sekolah. Beresin kamar, ganti sprei, bantu masak sarapan "
            "tamu. Lokasi {desa}.", "beberes, masak, ramah", ("rumahtangga", "kue"), reach="desa",
            places=(2, 4), hours=16, schedule="Jum sore - Min", pay=(80_000, 100_000),
            pay_terms="per hari",
        ),
        OfferTemplate(
            "supplier", "Cari pemasok makanan tradisional buat tamu (opak, rangginang, kue)",
            "Kami jual oleh2 khas buat tamu wisata. Ibu2 setor produk rumahan, kami yg pajang & jual. "
            "Kemasan seragam dr kami.", "bikin makanan khas, higienis", ("kue",), home_based=True,
            reach="kecamatan", places=(4, 8), pay=(5_000, 15_000), pay_terms="per bungkus",
        ),
        OfferTemplate(
            "job", "Pelayan warung & kasir pas weekend",
            "Warung makan di pinggir jalan ke curug, rame sabtu minggu. Nganter pesenan, kasir, "
            "beberes meja. Bisa ngitung & ramah ke tamu.", "ramah, ngitung, cekatan",
            ("dagang", "rumahtangga"), reach="desa", places=(1, 3), hours=18,
            schedule="Sab-Min 08.00-17.00", pay=(75_000, 90_000), pay_terms="per hari + makan",
        ),
    ),
    "kopi": (
        OfferTemplate(
            "job", "Sortir & jemur biji kopi",
            "Musim panen kopi: sortir cherry merah, jemur, balik2 tiap jam, sortir green bean. "
            "Di rumah produksi {org}.", "teliti, kuat panas2an", ("tani", "pabrik"),
            reach="kecamatan", places=(3, 6), hours=30, schedule="Sen-Sab 07.00-12.00",
            pay=(65_000, 80_000), pay_terms="per hari",
        ),
        OfferTemplate(
            "job", "Buruh petik kopi musim panen (Mei-Agustus)",
            "Metik cherry merah aja, jangan yg ijo. Kebun di lereng {desa}, jalan kaki lumayan. "
            "Dibayar per kg petik, bisa bawa anak yg udh gede.", "petik kopi, kuat jalan", ("tani",),
            reach="kecamatan", places=(5, 10), hours=30, schedule="musim panen, 06.00-12.00",
            pay=(3_000, 4_000), pay_terms="per kg cherry",
        ),
        OfferTemplate(
            "supplier", "Mitra kemas kopi bubuk sachet di rumah",
            "Kopi bubuk & kemasan dr {org}, ibu2 timbang 25 gr, sealer, tempel label. Alat sealer "
            "dipinjemin. Setor seminggu sekali.", "nimbang, sealer, rapi", ("pabrik", "dagang", "kue"),
            home_based=True, reach="kecamatan", places=(3, 6), pay=(150, 250),
            pay_terms="per sachet",
        ),
    ),
}

BUSINESSES = (
    BusinessSpec("Konveksi Berkah Jaya", "C", "32.01.16.2007", "konveksi", "Dadang Sutisna",
                 "Konveksi kaos & gamis, 12 mesin, kirim ke Tanah Abang.", "kaos & gamis",
                 (0, 1, 3, 5)),
    BusinessSpec("Konveksi Al-Hikmah", "C", "32.01.15.2008", "konveksi", "H. Ridwan Hidayat",
                 "Produksi seragam sekolah & kemeja kantor.", "seragam sekolah & kemeja", (1, 2, 3)),
    BusinessSpec("Rumah Jahit Teh Neni", "C", "32.01.30.2002", "konveksi", "Neni Kurniasih",
                 "Jahit gamis & mukena, sebagian dikerjain mitra rumahan.", "gamis & tunik", (0, 4, 5)),
    BusinessSpec("CV Mukena Rahayu", "C", "32.01.14.2011", "konveksi", "Rahayu Setiawati",
                 "Mukena & kerudung, jual grosir & online.", "mukena", (4, 2)),
    BusinessSpec("Konveksi Tas Sinar Parung", "C", "32.01.10.2005", "konveksi", "Budi Gunawan",
                 "Tas seminar, goodie bag, tas sekolah. Terima mitra jahit dr luar Parung.",
                 "tas seminar & goodie bag", (0, 1)),
    BusinessSpec("Bordir Komputer Hj. Enok", "C", "32.01.30.2008", "bordir", "Hj. Enok Maesaroh",
                 "Bordir kerudung & seragam, 4 mesin bordir komputer.", "kerudung bordir", (0, 1, 2)),
    BusinessSpec("Kerudung Bordir Az-Zahra", "C", "32.01.15.2003", "bordir", "Yuli Agustina",
                 "Kerudung bordir & payet, jual ke toko2 di Bogor & Jakarta.", "kerudung payet",
                 (0, 2, 3)),
    BusinessSpec("Toko Kue Bu Imas", "C", "32.01.14.2001", "kue", "Imas Komalasari",
                 "Toko kue basah & kering deket pasar Leuwiliang.", "kue basah", (0, 1, 2)),
    BusinessSpec("Dapur Kue Ceu Iroh", "C", "32.01.16.2001", "kue", "Iroh Saadah",
                 "Kue basah buat hajatan & titipan warung.", "kue basah", (0, 2, 4)),
    BusinessSpec("Roti Kukus Mekar Sari", "C", "32.01.17.2008", "kue", "Sri Mulyani",
                 "Roti kukus & bolu, dijual ke warung2 Pamijahan.", "roti kukus", (1, 3)),
    BusinessSpec("Lapis Talas Oleh2 Cikarawang", "C", "32.01.30.2007", "kue", "Dewi Permatasari",
                 "Oleh2 lapis talas & brownies talas khas Bogor.", "lapis talas", (1, 2, 4)),
    BusinessSpec("Katering Berkah Ibu Yeti", "I", "32.01.15.2001", "katering", "Yeti Rohaeti",
                 "Nasi kotak, tumpeng, katering kantor & pengajian.", "nasi kotak", (0, 1)),
    BusinessSpec("Warung Nasi Sunda Teh Ani", "I", "32.01.40.2002", "katering", "Ani Suryani",
                 "Warung nasi Sunda di jalan raya Tenjolaya, rame pas weekend.", "pepes & sambel",
                 (2, 3, 0)),
    BusinessSpec("Aqiqah & Katering Al-Barokah", "I", "32.01.14.2007", "katering",
                 "Ustadz Yusuf Ramdani", "Paket aqiqah & katering hajatan.", "nasi kotak aqiqah",
                 (0, 1, 3)),
    BusinessSpec("Seblak & Kopi Teh Dewi", "I", "32.01.16.2004", "katering", "Dewi Lestari",
                 "Kedai seblak, cilok & kopi buat anak muda.", "cilok & kerupuk seblak", (2, 4)),
    BusinessSpec("Keripik Singkong Mang Ujang", "C", "32.01.16.2003", "olahan", "Ujang Sopandi",
                 "Keripik singkong balado & original, dikirim ke minimarket.", "keripik singkong",
                 (0, 1, 2, 3)),
    BusinessSpec("Opak & Rangginang Cibitung", "C", "32.01.40.2003", "olahan", "Enah Juariah",
                 "Opak ketan & rangginang, usaha turun temurun.", "rangginang", (0, 1, 4)),
    BusinessSpec("Talas Bogor Sari Rasa", "C", "32.01.15.2005", "olahan", "Hendra Permana",
                 "Keripik & stik talas, kemasan oleh2.", "stik talas", (0, 1, 3)),
    BusinessSpec("Tahu Tempe Barokah Cijujung", "C", "32.01.16.2010", "olahan", "H. Maman Rusmana",
                 "Pabrik tahu & tempe, kirim ke pasar Cibungbulang & Leuwiliang.", "tahu & tempe",
                 (1, 4)),
    BusinessSpec("Sale Pisang Karacak", "C", "32.01.14.2005", "olahan", "Nining Sulastri",
                 "Sale pisang ambon & keripik pisang.", "sale pisang", (0, 1, 4)),
    BusinessSpec("Kebun Jamur Tiram Tenjolaya", "A", "32.01.40.2006", "kebun", "Asep Saepudin",
                 "Budidaya jamur tiram 6 kumbung, jual ke pasar Bogor.", "jamur tiram", (0, 1, 2)),
    BusinessSpec("Hidroponik Hijau Lestari", "A", "32.01.30.2005", "kebun", "Rudi Kurniawan",
                 "Greenhouse selada & pakcoy, suplai ke supermarket.", "selada & pakcoy", (3, 4, 5)),
    BusinessSpec("Kebun Sayur Organik Ciasmara", "A", "32.01.17.2015", "kebun", "Iwan Setiawan",
                 "Sayur organik di kaki Gunung Salak.", "sayur organik", (3, 5)),
    BusinessSpec("Peternakan Domba Mekar Tani", "A", "32.01.17.2012", "ternak", "Ajat Sudrajat",
                 "Domba garut & domba aqiqah, 80 ekor.", "domba", (0, 3)),
    BusinessSpec("Kolam Lele Sangkuriang Barokah", "A", "32.01.16.2011", "ternak", "Deden Mulyana",
                 "Pembesaran lele sangkuriang, 20 kolam.", "kolam lele", (0, 1)),
    BusinessSpec("Ternak Ayam Kampung Pak Dadang", "A", "32.01.14.2005", "ternak", "Dadang Hermawan",
                 "Ayam kampung & telur, jual ke restoran.", "ayam kampung", (0, 2)),
    BusinessSpec("Toko Sembako Barokah", "G", "32.01.16.2004", "toko", "Hj. Rohmah",
                 "Grosir & eceran sembako di pertigaan Cibatok.", "sembako", (0, 1, 3)),
    BusinessSpec("Grosir Kelontong Sinar Jaya", "G", "32.01.14.2001", "toko", "Acep Firmansyah",
                 "Grosir kelontong, langganan warung2 Leuwiliang.", "kelontong", (1, 2, 3, 0)),
    BusinessSpec("Rahayu Mart Ciampea", "G", "32.01.15.2001", "toko", "Tatang Supriatna",
                 "Minimarket lokal 2 cabang.", "sembako", (0, 3)),
    BusinessSpec("Nadhira Hijab Store", "G", "32.01.30.2001", "online", "Nadhira Wulandari",
                 "Hijab & gamis online, 5 admin, banyak reseller.", "hijab", (0, 1, 2)),
    BusinessSpec("Gamis Ummi Collection", "G", "32.01.14.2006", "online", "Ummi Kartika",
                 "Gamis syar'i, jualan di Shopee & TikTok.", "gamis", (0, 2)),
    BusinessSpec("Kerajinan Awi Saluyu", "C", "32.01.17.2002", "anyaman", "Oman Sobari",
                 "Anyaman bambu: besek, boboko, kap lampu buat hotel.", "anyaman bambu", (0, 2)),
    BusinessSpec("Rajutan Bunda Lia", "C", "32.01.15.2009", "anyaman", "Lia Handayani",
                 "Tas & dompet rajut, pesanan dr reseller Jakarta.", "tas rajut", (1, 2)),
    BusinessSpec("Sandal Hotel Karya Mandiri", "C", "32.01.16.2009", "sandal", "Wawan Nugraha",
                 "Sandal hotel & souvenir, pesanan hotel se-Jabodetabek.", "sandal hotel", (0, 2)),
    BusinessSpec("Sinar Sandal Indah Ciomas", "C", "32.01.29.2008", "sandal", "Cecep Ramdani",
                 "Produksi sandal & sepatu wanita, sentra Ciomas.", "sandal wanita", (0, 1, 2)),
    BusinessSpec("Laundry Kilat Bunda", "S", "32.01.30.2008", "jasa", "Heni Herawati",
                 "Laundry kiloan deket kampus, pelanggan anak kos.", "laundry", (0, 1)),
    BusinessSpec("Salon & Rias Pengantin Teh Euis", "S", "32.01.16.2002", "jasa", "Euis Nurlaela",
                 "Salon muslimah & rias pengantin Sunda.", "salon", (2, 4)),
    BusinessSpec("Jasa Cuci Gosok Amanah", "S", "32.01.30.2003", "jasa", "Tuti Sundari",
                 "Penyalur cuci gosok pulang hari buat perumahan.", "cuci gosok", (3, 1)),
    BusinessSpec("Kopi Gunung Salak Pamijahan", "C", "32.01.17.2014", "kopi", "Usep Suryana",
                 "Kopi arabika & robusta dr petani Gunung Salak.", "kopi bubuk", (0, 1, 2)),
    BusinessSpec("Homestay & Warung Curug Ngumpet", "I", "32.01.17.2005", "wisata", "Aep Saepudin",
                 "Homestay 8 kamar & warung makan deket curug.", "oleh2", (0, 1, 2)),
)

# Two businesses that signed up this week and wait for the coordinator's approval.
PENDING_BUSINESSES = (
    BusinessSpec("Dapur Cireng Teh Yuyun", "C", "32.01.16.2012", "olahan", "Yuyun Nurhasanah",
                 "Cireng & cimol frozen, baru mulai jualan online.", "cireng frozen", ()),
    BusinessSpec("Konveksi Kaos Polos Mandiri", "C", "32.01.15.2011", "konveksi", "Agus Setiawan",
                 "Kaos polos & sablon, baru buka th ini.", "kaos polos", ()),
)

PROGRAM_TEMPLATES: dict[str, OfferTemplate] = {
    "bumdes_warung": OfferTemplate(
        "bumdes", "BUMDes butuh pengelola unit warung desa",
        "Unit warung sembako BUMDes di {desa} butuh 2 org pengelola: jaga, nyatet, belanja stok. "
        "Diutamain warga {desa} yg jujur & bisa ngitung.", "dagang, ngitung, jujur",
        ("dagang",), reach="desa", places=(1, 2), hours=35, schedule="bergantian, Sen-Min",
        pay=(1_000_000, 1_300_000), pay_terms="honor per bulan", funding="dana_desa",
    ),
    "bumdes_sampah": OfferTemplate(
        "bumdes", "Petugas pilah sampah unit bank sampah BUMDes",
        "Milah plastik, kardus, botol di gudang bank sampah. Kerja pagi 4 jam, dibayar harian "
        "dr hasil jual sampah.", "milah sampah, rajin", ("rumahtangga", "pabrik"), reach="desa",
        places=(2, 4), hours=24, schedule="Sen-Sab 07.00-11.00", pay=(50_000, 60_000),
        pay_terms="per hari", funding="dana_desa",
    ),
    "bumdes_galeri": OfferTemplate(
        "bumdes", "Titip produk ibu2 di galeri UMKM BUMDes",
        "BUMDes buka galeri produk warga di kantor desa & jual online. Produk makanan/kerajinan "
        "warga {desa} boleh dititip, bagi hasil 90:10.", "punya produk, kemasan rapi",
        ("kue", "kerajinan", "dagang"), home_based=True, reach="desa", places=(5, 10),
        pay_terms="bagi hasil 90% buat pembuat", funding="dana_desa",
    ),
    "pktd_jalan": OfferTemplate(
        "padat_karya", "PKTD perbaikan jalan lingkungan & saluran air",
        "Padat karya tunai: ngecor jalan gang & benerin saluran di 3 RW. Kerja 20 hari, dibayar "
        "mingguan. Prioritas KPM PKH & warga yg nganggur.", "kuat kerja fisik", ("tani", "rumahtangga"),
        reach="desa", places=(6, 10), hours=35, schedule="20 hari kerja, 07.00-14.00",
        pay=(90_000, 110_000), pay_terms="per hari, dibayar tiap minggu", funding="dana_desa",
    ),
    "pktd_hijau": OfferTemplate(
        "padat_karya", "PKTD penghijauan & bersih2 sempadan sungai",
        "Nanem pohon & bersihin bantaran sungai di {desa}. 15 hari kerja, upah harian. "
        "Ibu2 boleh ikut, kerjaan disesuaiin.", "nanem, bersih2", ("tani", "rumahtangga"),
        reach="desa", places=(5, 10), hours=30, schedule="15 hari kerja, 07.00-13.00",
        pay=(85_000, 100_000), pay_terms="per hari", funding="dana_desa",
    ),
    "latih_jahit": OfferTemplate(
        "training", "Pelatihan menjahit gratis 1 bln di balai desa",
        "Kerjasama sm BLK Kab. Bogor: jahit dasar sampe bikin baju. Mesin disediain, dapet "
        "sertifikat & uang transport. Kuota terbatas, prioritas KPM PKH.", "mau belajar jahit",
        ("jahit", "kerajinan", "rumahtangga"), reach="kecamatan", places=(8, 10), hours=20,
        schedule="Sen-Kam 08.00-13.00 selama 1 bln", pay=(25_000, 25_000),
        pay_terms="uang transport per pertemuan", funding="apbd",
    ),
    "latih_pangan": OfferTemplate(
        "training", "Pelatihan olahan pangan & urus PIRT",
        "Pelatihan bikin olahan singkong, talas & pisang + cara urus PIRT & halal gratis. "
        "5x pertemuan di aula {desa}.", "masak, usaha makanan", ("kue", "dagang"),
        reach="kecamatan", places=(8, 10), hours=5, schedule="5x, tiap rabu",
        funding="apbd",
    ),
    "latih_digital": OfferTemplate(
        "training", "Pelatihan digital marketing buat UMKM desa",
        "Belajar jualan online: foto produk, WA Business, marketplace. Bawa HP android sendiri.",
        "HP android, punya usaha", ("online", "dagang", "kue"), reach="kecamatan", places=(8, 10),
        hours=4, schedule="3x, sabtu pagi", funding="csr",
    ),
    "koperasi": OfferTemplate(
        "cooperative", "Koperasi Wanita: simpan pinjam tanpa agunan",
        "Ibu2 anggota kelompok bisa pinjam 500rb-3jt buat modal usaha, cicilan mingguan. "
        "Simpanan wajib 10rb/bln.", "punya usaha/rencana usaha", ("dagang", "kue", "ternak"),
        home_based=True, reach="desa", places=(10, 10), pay_terms="pinjaman 500rb-3jt, cicilan mingguan",
        funding="dana_desa",
    ),
    "kur": OfferTemplate(
        "cooperative", "Pendampingan pengajuan KUR Mikro bareng bank",
        "Desa bantu ibu2 yg udh punya usaha jalan min 6 bln buat ngajuin KUR: siapin berkas, NIB, "
        "foto usaha. Petugas bank dateng ke kantor desa.", "usaha jalan 6 bln",
        ("dagang", "kue", "ternak", "jahit"), home_based=True, reach="kecamatan", places=(5, 10),
        pay_terms="KUR Mikro s.d. Rp 10jt, bunga 6%/thn", funding="other",
    ),
    "wisata_homestay": OfferTemplate(
        "tourism_village", "Desa wisata: cari ibu2 pengelola homestay",
        "Rumah warga yg layak dijadiin homestay. Dibantu cat & kasur dr desa, ibu2 ngurus tamu & "
        "sarapan. Bagi hasil sama pokdarwis.", "beberes, masak, ramah", ("rumahtangga", "kue"),
        home_based=True, reach="desa", places=(3, 6), pay_terms="bagi hasil per malam",
        funding="dana_desa",
    ),
    "wisata_kuliner": OfferTemplate(
        "tourism_village", "Lapak kuliner & oleh2 di area wisata curug",
        "Pokdarwis buka 10 lapak buat warga di parkiran curug. Sewa murah, rame pas weekend. "
        "Diutamain jual makanan khas.", "dagang, masak", ("dagang", "kue"), reach="desa",
        places=(5, 10), hours=16, schedule="Sab-Min & libur nasional",
        pay_terms="sewa lapak 50rb/bln", funding="dana_desa",
    ),
    "pasar_desa": OfferTemplate(
        "village_market", "Lapak gratis di pasar desa tiap minggu pagi",
        "Pasar kaget desa tiap minggu di lapangan {desa}. Lapak gratis 3 bln pertama buat "
        "KPM & UMKM baru.", "jualan, punya produk", ("dagang", "kue", "kerajinan"), reach="desa",
        places=(8, 10), hours=5, schedule="Minggu 06.00-11.00", funding="dana_desa",
    ),
    "p2l": OfferTemplate(
        "other_program", "Pekarangan pangan lestari: bibit & polybag gratis",
        "Program pekarangan: bibit cabe, tomat, terong, polybag & pupuk gratis buat 20 KK. "
        "Didampingi PPL tiap 2 minggu.", "nanem, ada pekarangan", ("tani", "ternak"),
        home_based=True, reach="desa", places=(8, 10), funding="apbd",
    ),
    "ayam_kub": OfferTemplate(
        "other_program", "Bantuan 10 ekor ayam KUB + kandang",
        "CSR bareng desa: 10 ekor ayam KUB, pakan 1 bln & bahan kandang. Hrs ada lahan di "
        "belakang rumah & mau ikut pertemuan bulanan.", "ngurus ayam, lahan",
        ("ternak", "tani"), home_based=True, reach="desa", places=(5, 10), funding="csr",
    ),
}

VILLAGE_OFFICES = (
    VillageOfficeSpec("Pemerintah Desa Sukamaju", "32.01.16.2013", "Deden Suryana",
                      "Kantor Desa Sukamaju, Kec. Cibungbulang.",
                      ("pktd_jalan", "latih_pangan", "pasar_desa")),
    VillageOfficeSpec("BUMDes Maju Bersama Cimanggu II", "32.01.16.2008", "Ruslan Hidayat",
                      "BUMDes dgn unit warung, air bersih & bank sampah.",
                      ("bumdes_warung", "bumdes_sampah", "bumdes_galeri")),
    VillageOfficeSpec("Pemerintah Desa Karacak", "32.01.14.2005", "Hj. Lilis Rosita",
                      "Kantor Desa Karacak, Kec. Leuwiliang.",
                      ("pktd_hijau", "latih_jahit", "koperasi")),
    VillageOfficeSpec("BUMDes Puraseda Mandiri", "32.01.14.2008", "Jajang Mulyana",
                      "BUMDes Puraseda, unit simpan pinjam & galeri produk.",
                      ("bumdes_galeri", "kur")),
    VillageOfficeSpec("Pemerintah Desa Cikarawang", "32.01.30.2007", "Atikah Rahmawati",
                      "Kantor Desa Cikarawang, sentra talas Kec. Dramaga.",
                      ("latih_pangan", "latih_digital", "pasar_desa", "koperasi")),
    VillageOfficeSpec("BUMDes Petir Sejahtera", "32.01.30.2005", "Agus Rohman",
                      "BUMDes Desa Petir, unit warung & bank sampah.",
                      ("bumdes_sampah", "bumdes_warung", "kur")),
    VillageOfficeSpec("Pemerintah Desa Cibuntu", "32.01.15.2006", "Yayan Sopandi",
                      "Kantor Desa Cibuntu, Kec. Ciampea.",
                      ("pktd_jalan", "latih_jahit", "p2l")),
    VillageOfficeSpec("BUMDes Gunung Bunder Berdaya", "32.01.17.2010", "Usep Kurniawan",
                      "Pengelola desa wisata Gunung Bunder (curug & camping ground).",
                      ("wisata_homestay", "wisata_kuliner", "bumdes_galeri")),
    VillageOfficeSpec("Pemerintah Desa Ciasmara", "32.01.17.2015", "Endang Rusmana",
                      "Kantor Desa Ciasmara, Kec. Pamijahan.",
                      ("wisata_homestay", "p2l", "ayam_kub", "pktd_hijau")),
    VillageOfficeSpec("Pemerintah Desa Situdaun", "32.01.40.2004", "Eulis Nuraida",
                      "Kantor Desa Situdaun, Kec. Tenjolaya.",
                      ("pasar_desa", "ayam_kub", "latih_digital")),
)

# --- Match and graduation notes --------------------------------------------------------

INTRODUCED_NOTES = (
    "sdh dikenalin lewat WA, ibunya mau", "ketemu pas P2K2, ibunya tertarik",
    "udh ditelpon, mau dateng liat tempat dulu", "dikenalin ke pemilik pas kunjungan rumah",
    None, None,
)
ACCEPTED_NOTES = (
    "silakan dateng senin ke tempat", "boleh mulai minggu depan", "cocok, nunggu bahan dateng",
    None,
)

# Decline reason codes, by who declined.
PARTNER_DECLINE_REASONS = ("place_filled", "skills_mismatch", "too_far")
HOUSEHOLD_DECLINE_REASONS = ("not_interested", "schedule_conflict", "family_objection", "childcare")

DROPPED_NOTES = (
    "anak sakit, berenti dulu", "ongkos ke tempat kerja gak nutup", "suami gak ngizinin kerja jauh",
    "orderan sepi, usahanya tutup sementara", "pindah ikut suami ke Cianjur",
    "gak kuat shift, capek ngurus anak jg", "hamil lagi, disuruh istirahat",
)

SELF_RELIANT_AFTER_PLACEMENT = (
    "sdh kerja tetap di {org}, penghasilan +- {income}/bln, anak2 sekolah lancar. Ibu sdh tanda tangan "
    "surat pernyataan graduasi mandiri.",
    "stlh ikut {org} penghasilan naik jd {income}/bln, udh bisa nabung. Sepakat mundur dr PKH.",
    "jd mitra {org} udh stabil ({income}/bln), suami jg kerja. Rumah sdh diperbaiki, layak graduasi.",
)
SELF_RELIANT_OWN = (
    "usaha {what} jalan terus, omzet naik, udh bisa nabung. Sepakat mundur dr PKH.",
    "penghasilan keluarga di atas UMK ({what} + suami kerja), punya tabungan & BPJS mandiri. Ibu yg minta graduasi.",
    "anak sulung udh kerja, ibu ada usaha {what}. Kondisi rumah & ekonomi sdh layak graduasi.",
)
NATURAL_EVIDENCE = (
    "anak bungsu lulus SMA thn ini, gak ada komponen lagi.",
    "lansia di KK sdh meninggal, anak2 sdh di atas usia sekolah.",
    "tidak ada lagi komponen PKH stlh verifikasi komitmen.",
)
