/** The demo catalog the seed writes. Images ship in public/products/. */
export const demoProducts = [
  {
    slug: "aurora-runner",
    name: "Aurora Runner",
    priceCents: 14900,
    description:
      "A featherweight daily trainer with a responsive foam midsole, a breathable engineered-mesh upper and a coral-to-violet colourway made for this drop only.",
  },
  {
    slug: "nimbus-headphones",
    name: "Nimbus ANC Headphones",
    priceCents: 27900,
    description:
      "Over-ear wireless headphones with adaptive noise cancelling, 40-hour battery life and memory-foam cushions that stay comfortable all day.",
  },
  {
    slug: "tidal-watch",
    name: "Tidal Dive Watch",
    priceCents: 42000,
    description:
      "A 200 m automatic dive watch: brushed steel case, unidirectional navy bezel, luminous hands and a quick-release rubber strap.",
  },
  {
    slug: "ember-kettle",
    name: "Ember Pour-Over Kettle",
    priceCents: 8900,
    description:
      "A gooseneck kettle for slow, precise pours. Matte black steel with a copper-toned handle and a built-in thermometer.",
  },
  {
    slug: "summit-backpack",
    name: "Summit 28L Backpack",
    priceCents: 16500,
    description:
      "A weatherproof hiking pack with a ventilated back panel, a padded laptop sleeve, hip-belt pockets and bright zip pulls you can find with gloves on.",
  },
  {
    slug: "lumen-lamp",
    name: "Lumen Desk Lamp",
    priceCents: 12900,
    description:
      "An articulated LED desk lamp with warm-to-cool colour temperature, a touch dimmer and a weighted base that never tips.",
  },
  {
    slug: "drift-sunglasses",
    name: "Drift Polarized Sunglasses",
    priceCents: 11900,
    description:
      "Hand-polished tortoiseshell acetate frames with polarized gradient lenses that cut glare on water and snow.",
  },
  {
    slug: "atlas-keyboard",
    name: "Atlas Mechanical Keyboard",
    priceCents: 18900,
    description:
      "A compact 75% mechanical keyboard with hot-swappable tactile switches, PBT keycaps in cream and sage, and a gasket-mounted aluminium case.",
  },
  {
    slug: "harbor-mug",
    name: "Harbor Stoneware Mug Set",
    priceCents: 4800,
    description:
      "Two speckled stoneware mugs, hand-dipped in a deep harbour-blue glaze. Dishwasher and microwave safe.",
  },
  {
    slug: "canyon-bottle",
    name: "Canyon Insulated Bottle",
    priceCents: 3900,
    description:
      "A double-wall steel bottle that keeps drinks cold for 24 hours and hot for 12, in a terracotta powder coat with a bamboo cap.",
  },
  {
    slug: "meridian-camera",
    name: "Meridian Instant Camera",
    priceCents: 13900,
    description:
      "An instant film camera with automatic exposure, a selfie mirror and a built-in flash. Prints develop in your hand in ninety seconds.",
  },
  {
    slug: "cirrus-hoodie",
    name: "Cirrus Fleece Hoodie",
    priceCents: 9800,
    description:
      "A heavyweight brushed-fleece hoodie in heather grey with a lined hood, flat drawstrings and a kangaroo pocket.",
  },
  {
    slug: "pulse-speaker",
    name: "Pulse Portable Speaker",
    priceCents: 15900,
    description:
      "A waterproof 360° Bluetooth speaker wrapped in indigo fabric mesh, with deep bass, 20-hour playback and a stereo pairing button.",
  },
  {
    slug: "grove-planter",
    name: "Grove Ceramic Planter",
    priceCents: 5600,
    description:
      "A matte ceramic planter with a hidden drainage saucer, sized for a monstera or a fiddle-leaf fig. Plant not included.",
  },
] as const;

export const demoAccounts = {
  shopper: { email: "shopper@stampede.test", password: "stampede-shopper", name: "Demo Shopper" },
  merchant: {
    email: "merchant@stampede.test",
    password: "stampede-merchant",
    name: "Demo Merchant",
  },
} as const;
