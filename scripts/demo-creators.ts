/**
 * The invented creators of the demo mesh (`npm run demo`): who they are and a few short posts each. Their
 * posts mention one another, as neighbours' do, so mirror pages and discovery have something to show.
 */

/** One sample post; a title makes it an article, none makes it a note. */
export interface DemoPost {
  readonly slug: string;
  /** Days before the demo runs, so the timeline always looks current. */
  readonly daysAgo: number;
  readonly title?: string;
  readonly summary?: string;
  readonly tags: readonly string[];
  readonly body: string;
}

/** One sample creator. */
export interface DemoCreator {
  /** Folder name and short label: `potter`, `baker`… */
  readonly slug: string;
  readonly name: string;
  readonly handle: string;
  readonly bio: string;
  readonly posts: readonly DemoPost[];
}

/** The creators, in the order the demo starts them (`--capsules 3` takes the first three). */
export const DEMO_CREATORS: readonly DemoCreator[] = [
  {
    slug: "potter",
    name: "Mira Okafor",
    handle: "mira",
    bio: "Potter in a small valley in mid-Wales. I fire a wood kiln twice a year and write down what the fire teaches me.",
    posts: [
      { slug: "blue-by-accident", daysAgo: 1, tags: ["glaze"], body: "Glaze test came out of the kiln blue. Not the blue I wanted, but a blue I will take." },
      { slug: "bowls-for-bread", daysAgo: 3, tags: ["trade"], body: "Bea left a loaf on the kiln shed step in exchange for two porridge bowls. Best trade of the year so far." },
      {
        slug: "why-wood", daysAgo: 6, title: "Why I still fire with wood", tags: ["kiln"],
        summary: "Thirty hours of stoking for a kiln an electric one would fire overnight. Here is why.",
        body: "An electric kiln fires evenly, cleanly and overnight. Mine takes thirty hours, two friends and a woodpile the size of a van.\n\n"
          + "What the wood gives back is ash. It rides the flame through the kiln and lands on the pots, melting into a glaze nobody mixed. "
          + "The bowls at the front come out green and runny; the ones at the back barely blush.\n\nI could not design that if I tried, which is the point.",
      },
      { slug: "forty-kilos", daysAgo: 9, tags: ["studio"], body: "Wedged forty kilos of clay this morning. My shoulders have opinions." },
    ],
  },
  {
    slug: "baker",
    name: "Bea Lindqvist",
    handle: "bea",
    bio: "Sourdough baker with a one-oven bakery in a converted garage. Bread on Fridays, crumb shots every day.",
    posts: [
      { slug: "sold-out", daysAgo: 1, tags: ["bakery"], body: "Sold out by 9:40. Sorry to the three people at the door with empty bags: on Friday I bake twelve more." },
      { slug: "starter-birthday", daysAgo: 2, tags: ["starter"], body: "My starter is eleven years old today. She had a cake: rye flour and warm water." },
      {
        slug: "a-loaf-that-waits", daysAgo: 5, title: "A loaf that waits", tags: ["method"],
        summary: "Why my dough spends the night in the fridge, and what that does to the crust.",
        body: "Every loaf I sell spent a night at four degrees. The cold slows the yeast more than the bacteria, so the dough sours while it barely rises.\n\n"
          + "In the morning it goes into the oven straight from the fridge. The crust blisters, the ear opens, and the crumb tastes of something.",
      },
      { slug: "porridge-bowls", daysAgo: 8, tags: ["trade"], body: "Swapped a rye loaf for two of Mira's bowls. They are the right size for porridge, which is the highest praise I have." },
    ],
  },
  {
    slug: "cyclist",
    name: "Tomás Rivera",
    handle: "tomas",
    bio: "I ride long, slow distances across Spain and write about where the road goes. Mostly gravel, always a thermos.",
    posts: [
      { slug: "windmills", daysAgo: 2, tags: ["rides"], body: "412 km this week, most of it into a headwind across La Mancha. The windmills were winning." },
      { slug: "puncture", daysAgo: 4, tags: ["rides"], body: "Puncture number three, outside a bakery. Best puncture of my life." },
      {
        slug: "packing-list", daysAgo: 7, title: "Packing list for a week on gravel", tags: ["gear"],
        summary: "Everything I carried for seven days and 900 km, and the two things I never used.",
        body: "Frame bag: tools, two tubes, a pump, a first-aid kit. Saddle bag: one set of evening clothes, a down jacket, a toothbrush cut in half.\n\n"
          + "Bar bag: thermos, phone, a paper map, and whatever bread the last village sold. I never used the rain trousers or the second light.",
      },
      { slug: "poem-on-a-bridge", daysAgo: 10, tags: ["reading"], body: "Read Noor's poem about bridges while standing on one. Recommended." },
    ],
  },
  {
    slug: "poet",
    name: "Noor Haddad",
    handle: "noor",
    bio: "Poet. Short poems about cities, bridges and the people who cross them. One a week, more when it rains.",
    posts: [
      { slug: "bridges", daysAgo: 1, tags: ["poems"], body: "*Bridges*\n\nEvery bridge is a promise\nthat the other side is there.\nI cross it every morning\nand it keeps it, every time." },
      { slug: "reading-thursday", daysAgo: 3, tags: ["events"], body: "Reading at the library on Thursday at seven. It is free, and there will be tea." },
      {
        slug: "writing-small", daysAgo: 6, title: "On writing small", tags: ["craft"],
        summary: "Why my poems keep getting shorter, and why I think that is fine.",
        body: "A poem I can hold in my head on the bus is worth ten I have to read from the page.\n\n"
          + "So I cut. The adjectives go first, then the second image, then most of the title. What is left is usually four lines, and usually true.",
      },
      { slug: "garden-november", daysAgo: 11, tags: ["poems"], body: "*Garden, November*\n\nThe beds are bare, the soil is not:\nunder the frost the garlic plots\nits green escape." },
    ],
  },
  {
    slug: "gardener",
    name: "Wren Adeyemi",
    handle: "wren",
    bio: "Market gardener on two acres of heavy clay. Seeds, soil and weather, written down so I remember next year.",
    posts: [
      { slug: "first-frost", daysAgo: 1, tags: ["weather"], body: "First frost last night. The last of the courgettes went to the compost with full honours." },
      { slug: "leeks-for-bread", daysAgo: 4, tags: ["trade"], body: "Traded a crate of leeks for one of Bea's loaves. The economy of this valley is excellent." },
      {
        slug: "october-sowing", daysAgo: 8, title: "What I sowed in October", tags: ["sowing"],
        summary: "Garlic, broad beans and a gamble on winter peas.",
        body: "Garlic went in first: six hundred cloves, in rows a hand apart. Broad beans followed, the hardy kind that sulk through January and race in March.\n\n"
          + "The gamble is winter peas under fleece. If they make it, we eat pea shoots in February. If not, the hens do.",
      },
      { slug: "garlic-in", daysAgo: 12, tags: ["sowing"], body: "Garlic in: six hundred cloves. My knees would like a word." },
    ],
  },
];
