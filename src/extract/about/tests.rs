use super::*;
use crate::extract::figures;

/// Mentions written as `surface=entity/id` separated by ` | `, in text order; a trailing
/// `~` marks a demonym. The kind comes from the id's prefix.
fn mentions<'a>(text: &str, spec: &'a str) -> Vec<EntitySpan<'a>> {
    let mut pos = 0;
    let mut out = Vec::new();
    for item in spec.split(" | ").filter(|s| !s.is_empty()) {
        let (surface, id) = item.split_once('=').expect("surface=id");
        let (id, demonym) = match id.strip_suffix('~') {
            Some(id) => (id, true),
            None => (id, false),
        };
        let start = pos
            + text[pos..]
                .find(surface)
                .unwrap_or_else(|| panic!("{surface:?} in {text:?}"));
        let end = start + surface.len();
        pos = end;
        let kind = match id.split('/').next().unwrap() {
            "org" => EntityKind::Organization,
            k => EntityKind::from_name(k),
        };
        out.push(EntitySpan {
            start,
            end,
            entity_id: id,
            kind,
            demonym,
        });
    }
    out
}

/// (surface, subject, commodity, measure) of every figure of `text`.
fn read(text: &str, spec: &str) -> Vec<(String, String, String, String)> {
    let ms = mentions(text, spec);
    let figs = figures::extract(text);
    classify(text, &figs, &ms)
        .iter()
        .zip(&figs)
        .map(|(a, f)| {
            (
                text[f.start..f.end].to_string(),
                a.subject.unwrap_or("-").to_string(),
                a.commodity.unwrap_or("-").to_string(),
                a.measure_id().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn one(text: &str, spec: &str, surface: &str) -> (String, String, String) {
    let all = read(text, spec);
    let r = all
        .iter()
        .find(|r| r.0 == surface)
        .unwrap_or_else(|| panic!("no figure {surface:?} in {all:?}"));
    (r.1.clone(), r.2.clone(), r.3.clone())
}

fn t(s: &str, c: &str, m: &str) -> (String, String, String) {
    (s.to_string(), c.to_string(), m.to_string())
}

fn rules(text: &str, spec: &str, surface: &str) -> (Option<&'static str>, Option<&'static str>) {
    let ms = mentions(text, spec);
    let figs = figures::extract(text);
    let k = figs
        .iter()
        .position(|f| &text[f.start..f.end] == surface)
        .unwrap();
    let a = classify(text, &figs, &ms)[k];
    (
        a.subject_rule.map(|r| r.as_str()),
        a.measure_rule.map(|r| r.as_str()),
    )
}

#[test]
fn the_nearest_cue_in_the_figures_phrase_decides_each_share() {
    let text = "China currently dominates the rare earth market, controlling 69% of global \
                mining, 92% of refining, and 98% of magnet manufacturing capacity";
    let spec = "China=country/CN | rare earth=commodity/rare-earths";
    let got = read(text, spec);
    let measures: Vec<&str> = got.iter().map(|r| r.3.as_str()).collect();
    assert_eq!(measures, ["mining_share", "refining_share", "magnet_share"]);
    for r in &got {
        assert_eq!(
            (r.1.as_str(), r.2.as_str()),
            ("country/CN", "commodity/rare-earths")
        );
    }
    assert_eq!(rules(text, spec, "92%"), (Some("host"), Some("cue-phrase")));
    // `and` ends a figure's phrase: the magnet cue is 90%'s, the processing cue 80%'s
    let text = "China's dominance in the rare earth industry, controlling over 80% of global \
                processing capacity and 90% of magnet production, presents significant \
                competition for Western companies";
    let spec = "China=country/CN | rare earth=commodity/rare-earths | Western=region/west~";
    assert_eq!(
        one(text, spec, "80%"),
        t("country/CN", "commodity/rare-earths", "refining_share")
    );
    assert_eq!(
        one(text, spec, "90%"),
        t("country/CN", "commodity/rare-earths", "magnet_share")
    );
}

#[test]
fn a_specific_cue_anywhere_in_the_sentence_beats_a_generic_share() {
    let text = "Australia is facing challenges in refining capacity and cost competitiveness, \
                as it relies heavily on China for rare earth processing, which accounts for over \
                90% of global capacity";
    let spec = "Australia=country/AU | China=country/CN | rare earth=commodity/rare-earths";
    assert_eq!(
        one(text, spec, "90%"),
        t("country/CN", "commodity/rare-earths", "refining_share")
    );
    assert_eq!(
        rules(text, spec, "90%"),
        (Some("antecedent"), Some("cue-host"))
    );
    // with no specific cue, the generic share
    let text = "Vietnam accounts for 12% of global supply";
    let spec = "Vietnam=country/VN";
    assert_eq!(one(text, spec, "12%"), t("country/VN", "-", "share"));
    assert_eq!(rules(text, spec, "12%"), (Some("clause"), Some("generic")));
}

#[test]
fn cues_apply_only_to_the_kinds_of_their_measure() {
    // `capacity` is a capacity for a mass, never for a percentage
    let text = "The U.S. Department of Defense plans to invest in a gallium refining plant in \
                Western Australia with an annual capacity of 100 tons";
    let spec = "U.S. Department of Defense=org/us-dod | gallium=commodity/gallium | \
                Western Australia=place/AU-WA";
    assert_eq!(
        one(text, spec, "100 tons"),
        t("place/AU-WA", "commodity/gallium", "capacity")
    );
    assert_eq!(
        rules(text, spec, "100 tons"),
        (Some("location"), Some("cue-phrase"))
    );
    // `mining` is a share for a percentage, a volume for a mass
    let text = "Mining reached 5,000 tons, 40% of global mining";
    let got = read(text, "");
    assert_eq!(got[0].3, "production");
    assert_eq!(got[1].3, "mining_share");
    // durations: a lead time, a timeline, a penalty; a period with no cue has no measure
    let text = "procurement cycles extending from 1-2 months to 3-4 months";
    assert_eq!(read(text, "")[1].3, "lead_time");
    assert_eq!(
        read("projects may take 8 to 10 years to develop", "")[0].3,
        "timeline"
    );
    assert_eq!(
        read("with prison terms starting at 10 years", "")[0].3,
        "penalty"
    );
    assert_eq!(
        read("surpassing the total from the previous three years", "")[0].3,
        "-"
    );
}

#[test]
fn shapes_decide_without_a_cue() {
    let text = "The price of gallium has reached historical highs, exceeding $3,000 per \
                kilogram, contributing to increased costs for U.S. companies";
    let spec = "gallium=commodity/gallium | U.S.=country/US";
    assert_eq!(
        one(text, spec, "$3,000 per kilogram"),
        t("-", "commodity/gallium", "price")
    );
    assert_eq!(
        rules(text, spec, "$3,000 per kilogram"),
        (None, Some("shape"))
    );
    let text = "sold at $3,000 per kilogram";
    assert_eq!(read(text, "")[0].3, "price");
    // a money rate per period is not a price; per unit, a cue may name it first
    assert_eq!(read("it earns $3 million a year", "")[0].3, "-");
    assert_eq!(read("exports of $5 billion a year", "")[0].3, "exports");
    assert_eq!(
        read("exports rose to over $3,000 per kilogram", "")[0].3,
        "price"
    );
    assert_eq!(read("a tariff of $50 per ton", "")[0].3, "tariff");
    // the delta of a change is a growth; a change word before `to` reads a level
    let text = "exports jumped 40% from 10 tons to 14 tons";
    let got = read(text, "");
    assert_eq!(got[0].3, "growth");
    assert_eq!(got[1].3, "exports");
    assert_eq!(
        read("China's share rose to 90% of refining", "China=country/CN")[0].3,
        "refining_share"
    );
    assert_eq!(read("production reduced by 30%", "")[0].3, "decline");
    for text in [
        "Shares fell 8.5%",
        "Shares plunged 8.5%",
        "exports slumped 20 percent",
        "GDP contracted 1.2%",
        "prices have fallen 80%",
    ] {
        assert_eq!(read(text, "")[0].3, "decline", "{text}");
    }
}

#[test]
fn the_subject_is_the_holder_not_an_object() {
    // a possessive subject; a commodity from the sentence when the clause names none
    let text = "LS Eco Energy's investment of $19.4 million aims to supply raw materials for its \
                planned magnet factory in the U.S., as multinational companies seek to establish \
                a \"de-China\" supply chain for critical materials.";
    let spec = "LS Eco Energy=org/ls-eco-energy | U.S.=country/US | China=country/CN | \
                critical materials=commodity/critical-minerals";
    assert_eq!(
        one(text, spec, "$19.4 million"),
        t(
            "org/ls-eco-energy",
            "commodity/critical-minerals",
            "investment"
        )
    );
    // an apposition gives its head; a clause-opening `with X doing` makes X the subject
    let text = "Countries are increasingly looking to Vietnam to reduce dependence on Chinese rare \
                earths, with South Korean company LS Eco Energy announcing a nearly $20 million \
                investment in a rare earth processing plant in Ho Chi Minh City.";
    let spec = "Vietnam=country/VN | Chinese=country/CN~ | rare earths=commodity/rare-earths | \
                South Korean=country/KR~ | LS Eco Energy=org/ls-eco-energy | \
                rare earth=commodity/rare-earths | Ho Chi Minh City=place/VN-SG";
    assert_eq!(
        one(text, spec, "$20 million"),
        t("org/ls-eco-energy", "commodity/rare-earths", "investment")
    );
    // objects of prepositions are not subjects: the main clause's subject is
    let text = "Australia has committed to deepening defense cooperation with the US, including a \
                $3.8 billion purchase of US military equipment";
    let spec = "Australia=country/AU | US=country/US | US=country/US";
    assert_eq!(
        one(text, spec, "$3.8 billion"),
        t("country/AU", "-", "purchase")
    );
    assert_eq!(
        rules(text, spec, "$3.8 billion"),
        (Some("host"), Some("cue-phrase"))
    );
    let text = "Australia faces significant cost disadvantages in refining lithium and other \
                minerals, with costs being ten times higher than in China";
    let spec = "Australia=country/AU | lithium=commodity/lithium | China=country/CN";
    assert_eq!(
        one(text, spec, "ten times"),
        t("country/AU", "commodity/lithium", "cost")
    );
    // `X and Y` jointly: no single subject
    let text = "The US and Australia plan to jointly invest $3 billion to develop critical \
                minerals in Australia, with an estimated resource value of $53 billion";
    let spec = "US=country/US | Australia=country/AU | critical minerals=commodity/critical-minerals | \
                Australia=country/AU";
    assert_eq!(
        one(text, spec, "$3 billion"),
        t("-", "commodity/critical-minerals", "investment")
    );
    // … but a resource value lies where the resources are
    assert_eq!(
        one(text, spec, "$53 billion"),
        t("country/AU", "commodity/critical-minerals", "market_value")
    );
    // a demonym is a subject only before an actor noun
    let text = "The agreement reflects Western concerns over China's dominant position in the \
                rare earth supply chain, with warnings that a 10% reduction in supply could cost \
                the global economy up to $150 billion";
    let spec = "Western=region/west~ | China=country/CN | rare earth=commodity/rare-earths";
    assert_eq!(
        one(text, spec, "10%"),
        t("-", "commodity/rare-earths", "decline")
    );
    assert_eq!(
        one(text, spec, "$150 billion"),
        t("-", "commodity/rare-earths", "cost")
    );
    let text = "Japanese companies are experiencing delays, with procurement cycles for \
                neodymium-iron-boron magnets extending from 1-2 months to 3-4 months.";
    let spec = "Japanese=country/JP~ | neodymium-iron-boron magnets=commodity/ndfeb-magnets";
    assert_eq!(
        one(text, spec, "3-4 months"),
        t("country/JP", "commodity/ndfeb-magnets", "lead_time")
    );
}

#[test]
fn a_holder_after_the_figure_and_a_relative_clauses_antecedent() {
    let text = "Despite the agreement, experts highlight that Australia lacks the necessary \
                refining technology, as 90% of global rare earth refining capacity is still in \
                China, making it difficult for the U.S. to achieve self-sufficiency";
    let spec = "Australia=country/AU | rare earth=commodity/rare-earths | China=country/CN | \
                U.S.=country/US";
    assert_eq!(
        one(text, spec, "90%"),
        t("country/CN", "commodity/rare-earths", "refining_share")
    );
    assert_eq!(
        rules(text, spec, "90%"),
        (Some("holder"), Some("cue-phrase"))
    );
    // reserves lie where the deposit is
    let text = "Japan plans to launch a deep-sea rare earth mining trial on January 11, aiming to \
                extract resources from a site near Minami-Torishima, which is estimated to \
                contain over 16 million tons of rare earths, ranking third globally.";
    let spec = "Japan=country/JP | rare earth=commodity/rare-earths | \
                Minami-Torishima=place/minami-torishima | rare earths=commodity/rare-earths";
    assert_eq!(
        one(text, spec, "16 million tons"),
        t(
            "place/minami-torishima",
            "commodity/rare-earths",
            "reserves"
        )
    );
}

#[test]
fn the_nearest_commodity_wins_and_an_element_beats_its_group_when_closer() {
    let text = "China maintains a dominant position in the global supply chain for rare earths \
                and tungsten, controlling 80% of tungsten production and 90% of rare earth \
                refining capacity";
    let spec = "China=country/CN | rare earths=commodity/rare-earths | tungsten=commodity/tungsten | \
                tungsten=commodity/tungsten | rare earth=commodity/rare-earths";
    assert_eq!(
        one(text, spec, "80%"),
        t("country/CN", "commodity/tungsten", "mining_share")
    );
    assert_eq!(
        one(text, spec, "90%"),
        t("country/CN", "commodity/rare-earths", "refining_share")
    );
    // inside the figure's own surface
    let text = "a facility in Australia capable of refining 100 tons of gallium annually, which \
                is essential for high-frequency chips";
    let spec = "Australia=country/AU | gallium=commodity/gallium | chips=commodity/semiconductors";
    assert_eq!(
        one(text, spec, "100 tons of gallium annually"),
        t("country/AU", "commodity/gallium", "capacity")
    );
}

#[test]
fn chinese_titles_read_their_cues_as_substrings() {
    let text = "一年后稀土多到不知如何处置?美澳协议背后的全球资源博弈";
    let spec = "稀土=commodity/rare-earths | 美=country/US | 澳=country/AU";
    assert_eq!(
        one(text, spec, "一年"),
        t("-", "commodity/rare-earths", "timeline")
    );
    let text = "中国控制全球90%的稀土冶炼产能";
    let spec = "中国=country/CN | 稀土=commodity/rare-earths";
    assert_eq!(
        one(text, spec, "90%"),
        t("country/CN", "commodity/rare-earths", "refining_share")
    );
}

#[test]
fn sentences_and_clauses_do_not_split_inside_mentions_or_numbers() {
    // the comma of the corporation's name and the period of `U.S.` are not boundaries
    let text = "The U.S. Department of Defense said investment in Japan Oil, Gas and Metals \
                National Corporation reached $3,000 million.";
    let spec = "U.S. Department of Defense=org/us-dod | \
                Japan Oil, Gas and Metals National Corporation=org/jogmec";
    assert_eq!(
        one(text, spec, "$3,000 million"),
        t("org/us-dod", "-", "investment")
    );
    // a second sentence does not lend its cues or subject
    let text = "China produces rare earths. Japan holds reserves of 5 million tons.";
    let spec = "China=country/CN | rare earths=commodity/rare-earths | Japan=country/JP";
    assert_eq!(
        one(text, spec, "5 million tons"),
        t("country/JP", "-", "reserves")
    );
}

#[test]
fn no_figures_no_work_and_bad_spans_are_ignored() {
    assert!(classify("no numbers here", &[], &[]).is_empty());
    let text = "China controls 90% of refining";
    let figs = figures::extract(text);
    let bad = [
        EntitySpan {
            start: 50,
            end: 60,
            entity_id: "x",
            kind: EntityKind::Country,
            demonym: false,
        },
        EntitySpan {
            start: 3,
            end: 1,
            entity_id: "y",
            kind: EntityKind::Country,
            demonym: false,
        },
        EntitySpan {
            start: 0,
            end: 5,
            entity_id: "country/CN",
            kind: EntityKind::Country,
            demonym: false,
        },
    ];
    let a = classify(text, &figs, &bad);
    assert_eq!(a[0].subject, Some("country/CN"));
    assert_eq!(a[0].measure_id(), Some("refining_share"));
    // a span that is not on a character boundary is dropped
    let text = "中国控制90%";
    let figs = figures::extract(text);
    let odd = [EntitySpan {
        start: 1,
        end: 4,
        entity_id: "z",
        kind: EntityKind::Country,
        demonym: false,
    }];
    assert_eq!(classify(text, &figs, &odd)[0].subject, None);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any text, any spans: no panic, one result per figure, ids from the input.
        #[test]
        fn never_panics(text in "[a-zA-Z0-9 ,.;:()%$'\"\\-稀土中国，。！？后内]{0,120}",
                        spans in proptest::collection::vec((0usize..140, 0usize..20, 0u8..6, any::<bool>()), 0..6)) {
            let figs = figures::extract(&text);
            let ms: Vec<EntitySpan> = spans
                .iter()
                .map(|&(s, l, k, d)| EntitySpan {
                    start: s,
                    end: s + l,
                    entity_id: ["country/CN", "region/eu", "org/x", "place/y", "commodity/z", "law/w"][k as usize],
                    kind: [EntityKind::Country, EntityKind::Region, EntityKind::Organization, EntityKind::Place, EntityKind::Commodity, EntityKind::Other][k as usize],
                    demonym: d,
                })
                .collect();
            let out = classify(&text, &figs, &ms);
            prop_assert_eq!(out.len(), figs.len());
            for a in &out {
                if let Some(s) = a.subject {
                    prop_assert!(!s.starts_with("commodity/") && !s.starts_with("law/"));
                }
                if let Some(c) = a.commodity {
                    prop_assert_eq!(c, "commodity/z");
                }
            }
        }
    }
}

#[test]
fn possessives_relatives_and_short_change_words() {
    // a possessive names the owner of the name that follows: the name is the subject
    let text = "Japan's JOGMEC will invest $200 million in a heavy rare earth project in Malaysia.";
    let spec = "Japan=country/JP | JOGMEC=org/jogmec | heavy rare earth=commodity/heavy-rare-earths | \
                Malaysia=country/MY";
    assert_eq!(
        one(text, spec, "$200 million"),
        t("org/jogmec", "commodity/heavy-rare-earths", "investment")
    );
    // a relative clause about a commodity has no holder (not the main clause's subject)
    let text = "Beijing imposed export controls on gallium and germanium, whose prices jumped 30% \
                within two weeks.";
    let spec = "Beijing=place/CN-BJ | gallium=commodity/gallium | germanium=commodity/germanium";
    assert_eq!(
        one(text, spec, "30%"),
        t("-", "commodity/germanium", "growth")
    );
    // `up 12%` is a change, nearer than the host clause's magnets
    let text = "The EU imported 18,000 tons of rare earth magnets from China last year, up 12% \
                from 2022.";
    let spec = "EU=region/eu | rare earth magnets=commodity/rare-earth-magnets | China=country/CN";
    assert_eq!(
        one(text, spec, "18,000 tons"),
        t("region/eu", "commodity/rare-earth-magnets", "imports")
    );
    assert_eq!(
        one(text, spec, "12%"),
        t("region/eu", "commodity/rare-earth-magnets", "growth")
    );
    // `up to` is a qualifier, not a change
    let text = "warnings that it could cost the global economy up to $150 billion";
    assert_eq!(read(text, "")[0].3, "cost");
}

#[test]
fn holding_nouns_stakes_and_levels_of_a_change() {
    let text = "Chinese exports of rare earth magnets fell 15% in October.";
    let spec = "Chinese=country/CN~ | rare earth magnets=commodity/rare-earth-magnets";
    assert_eq!(
        one(text, spec, "15%"),
        t("country/CN", "commodity/rare-earth-magnets", "decline")
    );
    let text = "The deal, worth $2 billion, gives Glencore a 30% stake in the mine.";
    let spec = "Glencore=org/glencore";
    assert_eq!(one(text, spec, "30%"), t("org/glencore", "-", "stake"));
    assert_eq!(one(text, spec, "$2 billion"), t("-", "-", "market_value"));
    // the levels of a change read the measure around them, not the change word
    let text = "Over the past decade, China's share of global graphite production rose from 60% \
                to 79%.";
    let spec = "China=country/CN | graphite=commodity/graphite";
    for f in ["60%", "79%"] {
        assert_eq!(
            one(text, spec, f),
            t("country/CN", "commodity/graphite", "mining_share")
        );
    }
    assert_eq!(
        read("Rare earth prices have doubled since January.", "")[0].3,
        "growth"
    );
    // Halving is a decline and 翻番 a growth, in either language.
    for (text, measure) in [
        ("Cobalt prices halved last year.", "decline"),
        ("钴价减半", "decline"),
        ("出口翻了一番", "growth"),
        ("产能翻两番", "growth"),
    ] {
        assert_eq!(read(text, "")[0].3, measure, "{text}");
    }
}
