import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { View } from '../../lake/indexes/view.js'
import { gatedView, ungated } from '../../lake/query/planner/index-gate.js'

// A watched query attempt reads a view through a new gated wrapper each time; state the planner
// keeps per view (which filters were asked for before, and so are worth materializing) must be
// kept on the view itself, or a query stopped once is stopped forever (the sitemap index at 100k).
const test = suite('planner: gated views keep per-view state on the view')

test('ungated() gives the wrapped view back, from any wrapper', () => {
  const view = new View('public')
  const first = gatedView(view)
  const second = gatedView(view)
  assert.is.not(first, second)
  assert.is(ungated(first), view)
  assert.is(ungated(second), view)
  assert.is(ungated(view), view)
})

test.run()
