//! The before/after chart of the measures page, laid out on the server for inline
//! SVG: one row per group (the cohort, each tier, each stream), a solid bar for the
//! offences in the 12 months before entry and an outlined, dashed bar for the 12
//! months after, each with its number beside it, so colour is never the only cue.

/// The picture's width in SVG units; it scales to the page.
const WIDTH: u32 = 640;
const LABEL_WIDTH: u32 = 140;
const VALUE_ROOM: u32 = 50;
const BAR_HEIGHT: u32 = 14;
const BAR_GAP: u32 = 3;
const ROW_GAP: u32 = 12;
const LEGEND_HEIGHT: u32 = 34;

pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub axis_x: u32,
    pub legend_y: u32,
    pub bar_height: u32,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub label: String,
    pub label_y: u32,
    pub before: Bar,
    pub after: Bar,
}

pub struct Bar {
    pub y: u32,
    pub width: u32,
    pub value: u32,
    pub text_x: u32,
    pub text_y: u32,
}

/// Lays out `(label, before, after)` rows in the order given.
pub fn draw(groups: &[(String, u32, u32)]) -> Chart {
    let max = groups
        .iter()
        .flat_map(|(_, b, a)| [*b, *a])
        .max()
        .unwrap_or(0)
        .max(1);
    let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
    let bar = |value: u32, y: u32| {
        let width =
            u32::try_from(u64::from(value) * u64::from(room) / u64::from(max)).unwrap_or(room);
        Bar {
            y,
            width,
            value,
            text_x: LABEL_WIDTH + width + 6,
            text_y: y + BAR_HEIGHT - 3,
        }
    };
    let mut y = LEGEND_HEIGHT;
    let rows = groups
        .iter()
        .map(|(label, before, after)| {
            let row = Row {
                label: label.clone(),
                label_y: y + BAR_HEIGHT + 4,
                before: bar(*before, y),
                after: bar(*after, y + BAR_HEIGHT + BAR_GAP),
            };
            y += 2 * BAR_HEIGHT + BAR_GAP + ROW_GAP;
            row
        })
        .collect();
    Chart {
        width: WIDTH,
        height: y,
        axis_x: LABEL_WIDTH,
        legend_y: 8,
        bar_height: BAR_HEIGHT,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_bar_fills_the_room_and_zero_draws_nothing() {
        let chart = draw(&[("Cohort".into(), 11, 9), ("Red".into(), 0, 5)]);
        let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        assert_eq!(chart.rows[0].before.width, room);
        assert_eq!(chart.rows[0].after.width, room * 9 / 11);
        assert_eq!(chart.rows[1].before.width, 0);
        assert!(chart.rows[1].before.y > chart.rows[0].after.y);
        assert_eq!(
            chart.height,
            LEGEND_HEIGHT + 2 * (2 * BAR_HEIGHT + BAR_GAP + ROW_GAP)
        );
    }
}
