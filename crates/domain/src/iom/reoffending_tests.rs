use super::super::test_dates::d;
use super::*;

fn rule() -> Reoffending {
    Reoffending::from_settings(&Settings::default())
}

fn person(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn entry(n: u128, on: NaiveDate, stream: Stream, tier: Tier) -> Entry {
    Entry {
        membership: Uuid::from_u128(1000 + n),
        person: person(n),
        entered_on: on,
        stream,
        tier,
    }
}

fn offence(
    n: u128,
    committed: NaiveDate,
    proven: Option<NaiveDate>,
    w: Option<f64>,
) -> OffenceFact {
    OffenceFact {
        person: person(n),
        committed_on: committed,
        proven_on: proven,
        harm_weight: w,
    }
}

fn year_2012_13() -> Period {
    Period {
        from: d(2012, 4, 1),
        to: d(2013, 3, 31),
    }
}

const LATER: fn() -> NaiveDate = || d(2026, 11, 28);

#[test]
fn the_windows_are_twelve_months_either_side_and_the_entry_day_is_before() {
    let r = rule();
    let entered = d(2012, 6, 1);
    assert_eq!(
        r.before(entered),
        Period {
            from: d(2011, 6, 2),
            to: d(2012, 6, 1)
        }
    );
    assert_eq!(
        r.after(entered),
        Period {
            from: d(2012, 6, 2),
            to: d(2013, 6, 1)
        }
    );
    assert_eq!(r.proof_deadline(r.after(entered)), d(2013, 12, 1));
    // 29 February: the windows still meet without a gap.
    assert_eq!(r.after(d(2012, 2, 29)).to, d(2013, 2, 28));
    assert_eq!(r.before(d(2013, 2, 28)).from, d(2012, 2, 29));

    let entries = [entry(1, entered, Stream::Fixed, Tier::Red)];
    let on_entry_day = [offence(1, entered, Some(d(2012, 6, 20)), None)];
    let m = measure(r, year_2012_13(), &entries, &on_entry_day, LATER());
    assert_eq!(
        (m.offences_before, m.offences_after, m.reoffenders),
        (1, 0, 0)
    );
    let day_after = [offence(1, d(2012, 6, 2), Some(d(2012, 6, 20)), None)];
    let m = measure(r, year_2012_13(), &entries, &day_after, LATER());
    assert_eq!(
        (m.offences_before, m.offences_after, m.reoffenders),
        (0, 1, 1)
    );
}

#[test]
fn an_offence_in_the_window_counts_only_if_proven_within_the_grace() {
    let r = rule();
    let entries = [entry(1, d(2012, 6, 1), Stream::Fixed, Tier::Red)];
    // Committed on the window's last day; the deadline for proof is 1 December 2013.
    let on_deadline = [offence(1, d(2013, 6, 1), Some(d(2013, 12, 1)), None)];
    let late = [offence(1, d(2013, 6, 1), Some(d(2013, 12, 2)), None)];
    let unproven = [offence(1, d(2013, 6, 1), None, None)];
    let outside = [offence(1, d(2013, 6, 2), Some(d(2013, 7, 1)), None)];
    let count = |o: &[OffenceFact]| measure(r, year_2012_13(), &entries, o, LATER()).offences_after;
    assert_eq!(count(&on_deadline), 1);
    assert_eq!(count(&late), 0);
    assert_eq!(count(&unproven), 0);
    assert_eq!(count(&outside), 0);
}

#[test]
fn a_window_is_provisional_until_its_proof_deadline_has_passed() {
    let r = rule();
    let entries = [entry(1, d(2012, 6, 1), Stream::Fixed, Tier::Red)];
    let proven_later = [offence(1, d(2013, 1, 1), Some(d(2013, 8, 1)), None)];
    // Still in the window: provisional, and the proof known later is not yet counted.
    let early = measure(r, year_2012_13(), &entries, &proven_later, d(2013, 2, 1));
    assert!(early.provisional);
    assert_eq!((early.provisional_members, early.offences_after), (1, 0));
    // Window over, grace running: still provisional.
    let grace = measure(r, year_2012_13(), &entries, &proven_later, d(2013, 12, 1));
    assert!(grace.provisional);
    assert_eq!(grace.offences_after, 1);
    let settled = measure(r, year_2012_13(), &entries, &proven_later, d(2013, 12, 2));
    assert!(!settled.provisional);
    assert_eq!(settled.provisional_members, 0);
}

#[test]
fn a_member_deselected_mid_window_is_followed_for_the_whole_window() {
    // De-selection is not an input to the measure at all: the follow-up runs from
    // entry whatever happens to the membership.
    let entries = [entry(1, d(2012, 6, 1), Stream::Flex, Tier::Amber)];
    let after_deselection = [offence(1, d(2013, 3, 1), Some(d(2013, 4, 1)), Some(3.0))];
    let m = measure(
        rule(),
        year_2012_13(),
        &entries,
        &after_deselection,
        LATER(),
    );
    assert_eq!((m.reoffenders, m.offences_after), (1, 1));
    assert_eq!(m.harm_after, 3.0);
}

#[test]
fn a_reselected_person_counts_once_by_their_first_entry_in_the_period() {
    let r = rule();
    let entries = [
        entry(1, d(2012, 5, 1), Stream::Fixed, Tier::Red),
        Entry {
            membership: Uuid::from_u128(9),
            entered_on: d(2013, 1, 1),
            tier: Tier::Green,
            ..entry(1, d(2012, 5, 1), Stream::Free, Tier::Green)
        },
    ];
    // After the second entry but more than 12 months after the first: not counted.
    let offences = [offence(1, d(2013, 6, 1), Some(d(2013, 7, 1)), None)];
    let m = measure(r, year_2012_13(), &entries, &offences, LATER());
    assert_eq!(m.members, 1);
    assert_eq!(m.outcomes[0].entry.entered_on, d(2012, 5, 1));
    assert_eq!(m.outcomes[0].entry.tier, Tier::Red);
    assert_eq!(m.offences_after, 0);
    // In the next year only the second entry is in the period, and the offence is
    // after it.
    let next = Period {
        from: d(2012, 12, 1),
        to: d(2013, 11, 30),
    };
    let m = measure(r, next, &entries, &offences, LATER());
    assert_eq!((m.members, m.offences_after), (1, 1));
}

#[test]
fn a_cohort_of_nobody_has_no_rate() {
    let offences = [offence(1, d(2012, 6, 1), Some(d(2012, 7, 1)), None)];
    let m = measure(rule(), year_2012_13(), &[], &offences, LATER());
    assert_eq!(
        (
            m.members,
            m.reoffenders,
            m.offences_before,
            m.offences_after
        ),
        (0, 0, 0, 0)
    );
    assert_eq!((m.binary_rate, m.frequency_per_100), (None, None));
    assert!(!m.provisional);
    assert!(measure_by(&m, |e| e.tier).is_empty());
}

#[test]
fn the_settings_change_the_windows() {
    let mut s = Settings::default();
    s.set("iom.reoffending-months", "6").expect("valid");
    s.set("iom.proving-grace-months", "0").expect("valid");
    let r = Reoffending::from_settings(&s);
    assert_eq!(r.after(d(2012, 6, 1)).to, d(2012, 12, 1));
    assert_eq!(r.proof_deadline(r.after(d(2012, 6, 1))), d(2012, 12, 1));
    assert!(s.set("iom.proving-grace-months", "25").is_err());
}

/// The worked example: ten members who entered in 2012-13, with the noise of a
/// member who entered the day after the period and a person never in the cohort.
/// The same figures are checked through the API and the measures page on both
/// databases (tests/tests/iom.rs builds the same cohort).
pub(crate) fn worked_example() -> (Vec<Entry>, Vec<OffenceFact>) {
    use Stream::{Fixed, Flex, Free};
    use Tier::{Amber, Green, Red};
    let e = entry;
    let entries = vec![
        e(1, d(2012, 4, 2), Fixed, Red),  // A
        e(2, d(2012, 5, 15), Fixed, Red), // B
        e(3, d(2012, 6, 1), Flex, Amber), // C
        e(4, d(2012, 7, 1), Flex, Amber), // D, de-selected 30 Sep 2012
        e(5, d(2012, 8, 1), Free, Green), // E
        // F: first membership before the period (de-selected 31 May 2012), re-selected.
        Entry {
            membership: Uuid::from_u128(2006),
            ..e(6, d(2012, 2, 1), Fixed, Red)
        },
        e(6, d(2012, 9, 1), Fixed, Red),     // F
        e(7, d(2012, 10, 15), Fixed, Green), // G, de-selected 1 Dec 2012
        Entry {
            membership: Uuid::from_u128(2007),
            ..e(7, d(2013, 2, 1), Flex, Red)
        },
        e(8, d(2013, 1, 7), Free, Amber),  // H
        e(9, d(2013, 3, 31), Flex, Red),   // I, last day of the period
        e(10, d(2012, 4, 1), Flex, Green), // J, first day of the period
        e(11, d(2013, 4, 1), Fixed, Red),  // K: the day after the period
    ];
    let o = offence;
    let offences = vec![
        // A: before 2011-04-03..2012-04-02, after 2012-04-03..2013-04-02.
        o(1, d(2011, 6, 10), Some(d(2011, 7, 1)), Some(3.0)),
        o(1, d(2012, 1, 15), Some(d(2012, 2, 1)), None),
        o(1, d(2012, 9, 1), Some(d(2012, 10, 1)), Some(5.0)),
        // B: an offence on the entry day (before) and one on the window's last day.
        o(2, d(2012, 5, 15), Some(d(2012, 6, 1)), Some(2.0)),
        o(2, d(2013, 5, 15), Some(d(2013, 6, 1)), Some(1.0)),
        // C: a day too early for before; in the window but proven after the deadline
        // (after window ends 1 June 2013, proof by 1 December 2013).
        o(3, d(2011, 6, 1), Some(d(2011, 7, 1)), Some(9.0)),
        o(3, d(2013, 1, 10), Some(d(2014, 1, 2)), Some(9.0)),
        // D: three before; two after, the second after de-selection.
        o(4, d(2012, 3, 1), Some(d(2012, 4, 1)), Some(2.0)),
        o(4, d(2012, 4, 1), Some(d(2012, 5, 1)), Some(2.0)),
        o(4, d(2012, 5, 1), Some(d(2012, 6, 1)), None),
        o(4, d(2012, 8, 20), Some(d(2012, 9, 15)), Some(4.0)),
        o(4, d(2012, 12, 1), Some(d(2013, 2, 1)), Some(4.0)),
        // E: one before; one after that was never proven.
        o(5, d(2011, 12, 25), Some(d(2012, 1, 10)), Some(1.0)),
        o(5, d(2012, 10, 1), None, Some(7.0)),
        // F: windows from the re-selection (1 Sep 2012): before 2011-09-02..2012-09-01.
        o(6, d(2012, 3, 10), Some(d(2012, 4, 10)), Some(2.0)),
        o(6, d(2012, 8, 31), Some(d(2012, 9, 20)), Some(2.0)),
        o(6, d(2013, 2, 14), Some(d(2013, 3, 1)), Some(6.0)),
        o(6, d(2013, 9, 2), Some(d(2013, 10, 1)), Some(6.0)),
        // G: windows from the first entry (15 Oct 2012) only.
        o(7, d(2013, 3, 1), Some(d(2013, 4, 1)), Some(1.0)),
        o(7, d(2013, 10, 16), Some(d(2013, 11, 1)), Some(1.0)),
        // H: nothing.
        // I: before 2012-04-01..2013-03-31; after 2013-04-01..2014-03-31, proof by
        // 30 September 2014, which the second offence meets exactly.
        o(9, d(2012, 3, 31), Some(d(2012, 4, 15)), Some(3.0)),
        o(9, d(2012, 4, 1), Some(d(2012, 5, 1)), Some(3.0)),
        o(9, d(2013, 4, 1), Some(d(2013, 4, 20)), Some(10.0)),
        o(9, d(2014, 3, 31), Some(d(2014, 9, 30)), None),
        // J: on the entry day (before) and on the window's last day (after).
        o(10, d(2012, 4, 1), Some(d(2012, 4, 20)), None),
        o(10, d(2013, 4, 1), Some(d(2013, 5, 1)), Some(2.0)),
        // K and a person never selected: not in the cohort.
        o(11, d(2013, 5, 1), Some(d(2013, 6, 1)), Some(8.0)),
        o(12, d(2012, 9, 1), Some(d(2012, 10, 1)), Some(8.0)),
    ];
    (entries, offences)
}

#[test]
fn the_worked_example_matches_the_figures_computed_by_hand() {
    // By hand (before count/harm; after count/harm; re-offended?):
    //   A 2/4 (3 + 1 unweighted); 1/5; yes
    //   B 1/2 (entry day);        1/1 (last day of window); yes
    //   C 0/0;                    0/0 (proven a month after the deadline); no
    //   D 3/5 (2 + 2 + 1);        2/8 (4 + 4, one after de-selection); yes
    //   E 1/1;                    0/0 (unproven); no
    //   F 2/4;                    1/6 (from re-selection; 2 Sep 2013 is outside); yes
    //   G 0/0;                    1/1 (first entry only); yes
    //   H 0/0;                    0/0; no
    //   I 1/3 (31 Mar 2012 outside); 2/11 (10 + 1 proven on the deadline); yes
    //   J 1/1 (entry day);        1/2; yes
    // members 10, re-offenders 7: binary rate 7/10 = 0.7;
    // before 2+1+0+3+1+2+0+0+1+1 = 11, harm 4+2+0+5+1+4+0+0+3+1 = 20;
    // after 1+1+0+2+0+1+1+0+2+1 = 9, harm 5+1+0+8+0+6+1+0+11+2 = 34;
    // frequency 9 x 100 / 10 = 90 per 100 members.
    // By tier at entry: red A B F I: 4 members, 4 re-offenders, before 6, after 5;
    //   amber C D H: 3, 1, 3, 2; green E G J: 3, 2, 2, 2.
    // By stream: fixed A B F G: 4, 4, 5, 4; flex C D I J: 4, 3, 5, 5; free E H: 2, 0, 1, 0.
    let (entries, offences) = worked_example();
    let m = measure(rule(), year_2012_13(), &entries, &offences, LATER());
    assert_eq!((m.members, m.reoffenders), (10, 7));
    assert_eq!(m.binary_rate, Some(0.7));
    assert_eq!(m.frequency_per_100, Some(90.0));
    assert_eq!((m.offences_before, m.offences_after), (11, 9));
    assert_eq!((m.harm_before, m.harm_after), (20.0, 34.0));
    assert!(!m.provisional);
    let per_member: Vec<_> = m
        .outcomes
        .iter()
        .map(|o| {
            (
                o.entry.person.as_u128(),
                o.offences_before,
                o.offences_after,
            )
        })
        .collect();
    assert_eq!(
        per_member,
        [
            (10, 1, 1),
            (1, 2, 1),
            (2, 1, 1),
            (3, 0, 0),
            (4, 3, 2),
            (5, 1, 0),
            (6, 2, 1),
            (7, 0, 1),
            (8, 0, 0),
            (9, 1, 2),
        ]
    );
    let figures = |g: &CohortMeasures| {
        (
            g.members,
            g.reoffenders,
            g.offences_before,
            g.offences_after,
        )
    };
    let tiers = measure_by(&m, |e| e.tier);
    assert_eq!(figures(&tiers[&Tier::Red]), (4, 4, 6, 5));
    assert_eq!(figures(&tiers[&Tier::Amber]), (3, 1, 3, 2));
    assert_eq!(figures(&tiers[&Tier::Green]), (3, 2, 2, 2));
    let streams = measure_by(&m, |e| e.stream);
    assert_eq!(figures(&streams[&Stream::Fixed]), (4, 4, 5, 4));
    assert_eq!(figures(&streams[&Stream::Flex]), (4, 3, 5, 5));
    assert_eq!(figures(&streams[&Stream::Free]), (2, 0, 1, 0));

    // I's last offence was proven on the deadline, so until then the cohort is
    // provisional; a day later it is final.
    let on_deadline = measure(rule(), year_2012_13(), &entries, &offences, d(2014, 9, 30));
    assert!(on_deadline.provisional);
    assert_eq!(on_deadline.provisional_members, 1);
    assert_eq!(on_deadline.offences_after, 9);
    assert!(!measure(rule(), year_2012_13(), &entries, &offences, d(2014, 10, 1)).provisional);
}
