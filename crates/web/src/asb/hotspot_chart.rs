//! The hotspot bar chart, laid out on the server for inline SVG: one row per ward, a
//! solid bar for this period above an outlined, dashed bar for the previous one, each
//! with its number written beside it. The two differ in shape and the legend says so
//! in words, so colour is never the only cue. Fills and strokes are presentation
//! attributes (no style attributes), which the Content Security Policy allows.

use casework_domain::asb::Hotspot;

/// The whole picture's width in SVG units; it scales to the page.
const WIDTH: u32 = 640;
/// Room on the left for ward names.
const LABEL_WIDTH: u32 = 150;
/// Room on the right of the longest bar for its number.
const VALUE_ROOM: u32 = 60;
const BAR_HEIGHT: u32 = 14;
const BAR_GAP: u32 = 3;
const ROW_GAP: u32 = 12;
/// The legend's band at the top.
const LEGEND_HEIGHT: u32 = 34;

pub struct BarChart {
    pub width: u32,
    pub height: u32,
    /// Where the bars start (the axis).
    pub axis_x: u32,
    pub legend_y: u32,
    pub rows: Vec<BarRow>,
}

pub struct BarRow {
    pub ward: String,
    /// Baseline of the ward's name, centred on its two bars.
    pub label_y: u32,
    pub current: Bar,
    pub previous: Bar,
}

pub struct Bar {
    pub y: u32,
    pub width: u32,
    pub value: u64,
    /// Where its number is written.
    pub text_x: u32,
    pub text_y: u32,
}

impl BarChart {
    pub fn bar_height(&self) -> u32 {
        BAR_HEIGHT
    }
}

/// Lays out `ranked` (names by ward code from `name_of`) in ranking order.
pub fn draw(ranked: &[Hotspot], name_of: impl Fn(&str) -> String) -> BarChart {
    let max = ranked
        .iter()
        .flat_map(|h| [h.incidents, h.previous_incidents])
        .max()
        .unwrap_or(0)
        .max(1);
    let span = WIDTH - LABEL_WIDTH - VALUE_ROOM;
    let length = |value: u64| -> u32 {
        let scaled = value.saturating_mul(u64::from(span)) / max;
        // A bar for one incident in a thousand still shows.
        let scaled = if value > 0 { scaled.max(2) } else { 0 };
        u32::try_from(scaled).unwrap_or(span)
    };
    let row_height = 2 * BAR_HEIGHT + BAR_GAP + ROW_GAP;
    let rows: Vec<BarRow> = ranked
        .iter()
        .zip(0u32..)
        .map(|(hotspot, i)| {
            let top = LEGEND_HEIGHT + i * row_height;
            let bar = |value: u64, y: u32| {
                let width = length(value);
                Bar {
                    y,
                    width,
                    value,
                    text_x: LABEL_WIDTH + width + 6,
                    text_y: y + BAR_HEIGHT - 3,
                }
            };
            BarRow {
                ward: name_of(&hotspot.ward),
                label_y: top + BAR_HEIGHT + 2,
                current: bar(hotspot.incidents, top),
                previous: bar(hotspot.previous_incidents, top + BAR_HEIGHT + BAR_GAP),
            }
        })
        .collect();
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    BarChart {
        width: WIDTH,
        height: LEGEND_HEIGHT + count.saturating_mul(row_height),
        axis_x: LABEL_WIDTH,
        legend_y: 8,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hotspot(ward: &str, incidents: u64, previous: u64) -> Hotspot {
        Hotspot {
            position: 0,
            ward: ward.into(),
            incidents,
            previous_incidents: previous,
            change: 0,
            change_percent: None,
            alcohol_related: 0,
            youth_related: 0,
            alcohol_related_youth: 0,
            criminal_damage: 0,
            deliberate_fire: 0,
        }
    }

    #[test]
    fn bars_are_scaled_to_the_largest_count_of_either_period() {
        let chart = draw(
            &[hotspot("harbour", 40, 80), hotspot("mirehouse", 1, 0)],
            |code| code.to_uppercase(),
        );
        let span = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        assert_eq!(chart.rows.len(), 2);
        assert_eq!(chart.rows[0].ward, "HARBOUR");
        assert_eq!(chart.rows[0].previous.width, span);
        assert_eq!(chart.rows[0].current.width, span / 2);
        assert_eq!(chart.rows[1].current.width, span / 80);
        // None draws nothing but still says 0.
        assert_eq!(chart.rows[1].previous.width, 0);
        assert_eq!(chart.rows[1].previous.value, 0);
        // Rows stack below the legend without overlapping.
        assert!(chart.rows[0].current.y >= LEGEND_HEIGHT);
        assert!(chart.rows[1].current.y > chart.rows[0].previous.y + BAR_HEIGHT);
        assert!(chart.height >= chart.rows[1].previous.y + BAR_HEIGHT);
        // Numbers sit just past their bars.
        assert!(chart.rows[0].previous.text_x > LABEL_WIDTH + span);
    }

    #[test]
    fn one_incident_among_thousands_still_shows() {
        let chart = draw(
            &[hotspot("harbour", 5000, 0), hotspot("mirehouse", 1, 0)],
            str::to_string,
        );
        assert_eq!(chart.rows[1].current.width, 2);
        assert_eq!(chart.rows[1].current.value, 1);
    }

    #[test]
    fn nothing_to_draw_is_an_empty_chart() {
        let chart = draw(&[], str::to_string);
        assert!(chart.rows.is_empty());
        assert_eq!(chart.height, LEGEND_HEIGHT);
    }
}
