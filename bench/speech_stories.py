"""Two 500-word bedtime stories for bench/speech_bench.py, written for it (no copyright attached), with the
things normalization must handle: numbers, a date, a time, money, an abbreviation, markdown and an emoji."""

FRENCH_STORY = """# Le renard et la lanterne

Il était une fois, au bord d'une grande forêt, un petit renard qui s'appelait Léon. Il vivait dans un terrier
creusé sous les racines d'un vieux chêne, avec sa maman, ses 2 sœurs et une collection de 37 cailloux brillants.
Chaque soir, à 19h30, Léon sortait la tête du terrier pour regarder les étoiles s'allumer une à une.

Un soir d'hiver, le 21/12/2024, la forêt resta toute noire. Pas une étoile, pas un rayon de lune. Les arbres
ressemblaient à de grands géants endormis, et le vent chantait une chanson triste dans les branches. Léon eut
un peu peur, mais il eut surtout une idée : et s'il allait chercher la lumière lui-même ?

Il prit son petit sac, y glissa une pomme, une écharpe rouge et son plus beau caillou, puis il partit sur le
sentier. Au bout de 100 pas, il rencontra M. Hibou, perché sur une branche basse.

« Où vas-tu si tard, petit renard ? demanda le hibou.
— Je cherche la lumière, répondit Léon. La nuit l'a perdue.
— La lumière ne se perd pas, dit le hibou en clignant des yeux. Elle se cache. Va voir la vieille tortue,
près de l'étang. Elle sait beaucoup de choses. »

Léon remercia le hibou et marcha encore longtemps. Ses pattes étaient froides et son ventre gargouillait. Il
mangea la moitié de sa pomme et garda l'autre moitié pour plus tard. Enfin, il arriva au bord de l'étang, où la
tortue dormait sous une couverture de feuilles mortes.

« Madame la tortue, chuchota Léon, savez-vous où se cache la lumière ? »

La tortue ouvrit un œil, puis l'autre. Elle avait plus de 150 ans, et elle avait vu beaucoup d'hivers.

« La lumière, dit-elle lentement, se cache là où on la partage. Regarde autour de toi. »

Léon regarda. Sur l'eau de l'étang, il vit une minuscule lueur qui tremblait. C'était une luciole, toute seule,
qui n'avait plus la force de voler. Elle brillait à peine, comme une bougie qui va s'éteindre.

Léon s'approcha doucement. Il enroula son écharpe rouge autour de la luciole pour la réchauffer, et il lui
offrit un petit morceau de sa pomme. La luciole mangea, se réchauffa, et soudain, elle se mit à briller un peu
plus fort. Puis encore un peu plus. Et voilà qu'une deuxième luciole arriva, puis une troisième, puis dix, puis
cent !

Toutes les lucioles de la forêt s'étaient réveillées, attirées par la lumière de leur amie. Elles dansaient
au-dessus de l'étang comme une pluie d'étoiles, et la forêt tout entière s'éclaira d'une douce couleur dorée.

« Tu vois, dit la tortue en souriant, la lumière était là. Il suffisait de la partager. »

Léon rentra chez lui, escorté par une ribambelle de lucioles qui lui montraient le chemin. Sa maman
l'attendait devant le terrier, un peu inquiète, mais si fière de lui. Ce soir-là, Léon posa son plus beau caillou
au bord de l'étang, en cadeau pour la luciole.

Et depuis ce jour, chaque hiver, quand la nuit est trop noire, les lucioles reviennent danser au-dessus de
l'étang, pour rappeler à tous les petits renards qu'une lumière partagée ne s'éteint jamais. 🌟

Fin."""

ENGLISH_STORY = """# The Fox and the Lantern

Once upon a time, at the edge of a great forest, there lived a little fox called Leo. He lived in a den dug
under the roots of an old oak tree, with his mother, his 2 sisters and a collection of 37 shiny pebbles. Every
evening, at 7:30, Leo poked his head out of the den to watch the stars light up one by one.

One winter evening, on 12/21/2024, the forest stayed completely dark. Not a single star, not a ray of
moonlight. The trees looked like tall sleeping giants, and the wind sang a sad song in the branches. Leo was a
little afraid, but most of all he had an idea: what if he went to look for the light himself?

He took his small bag, put an apple, a red scarf and his finest pebble inside, and set off along the path.
After 100 steps, he met Mr. Owl, sitting on a low branch.

"Where are you going so late, little fox?" asked the owl.
"I am looking for the light," answered Leo. "The night has lost it."
"Light is never lost," said the owl, blinking. "It hides. Go and see the old tortoise, by the pond. She knows
many things."

Leo thanked the owl and walked on for a long time. His paws were cold and his tummy rumbled. He ate half of his
apple and kept the other half for later. At last he reached the edge of the pond, where the tortoise was
sleeping under a blanket of dead leaves.

"Madam Tortoise," whispered Leo, "do you know where the light is hiding?"

The tortoise opened one eye, then the other. She was more than 150 years old, and she had seen many winters.

"Light," she said slowly, "hides where it is shared. Look around you."

Leo looked. On the water of the pond, he saw a tiny glow trembling. It was a firefly, all alone, too weak to
fly any more. It was barely shining, like a candle about to go out.

Leo came closer, very gently. He wrapped his red scarf around the firefly to keep it warm, and he gave it a
small piece of his apple. The firefly ate, warmed up, and suddenly it began to glow a little brighter. Then a
little brighter still. And then a second firefly came, then a third, then ten, then a hundred!

All the fireflies of the forest had woken up, drawn by the light of their friend. They danced above the pond
like a rain of stars, and the whole forest was lit with a soft golden glow.

"You see," said the tortoise with a smile, "the light was here all along. You only had to share it."

Leo went home, guided by a long line of fireflies that showed him the way. His mother was waiting in front of
the den, a little worried, but so proud of him. That night, Leo left his finest pebble at the edge of the
pond, as a present for the firefly.

And ever since that day, every winter, when the night is too dark, the fireflies come back to dance above the
pond, to remind all little foxes that a light that is shared never goes out. 🌟

The end."""
