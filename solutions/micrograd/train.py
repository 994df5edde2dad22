"""Training the MLP on the lecture's four examples: forward, loss, zero_grad, backward, step.

The loss is the sum of squared errors over the four examples. One step:
  1. forward: ypred = [model(x) for x in xs]; loss = sum of (yout - ygt)**2
  2. zero the gradients of every parameter (backward accumulates with +=)
  3. loss.backward()
  4. nudge every parameter against its gradient: p.data += -lr * p.grad
"""
from nn import MLP

# the lecture's tiny dataset: four inputs and the targets we want the net to output
xs = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
ys = [1.0, -1.0, -1.0, 1.0]


def train(model, xs, ys, steps=20, lr=0.1):
    """Run `steps` steps of gradient descent on model; return the loss (a float) of every step."""
    losses = []
    for k in range(steps):
        # BEGIN SOLUTION: one step: forward pass and sum-of-squares loss, zero_grad, backward, update; record loss.data
        ypred = [model(x) for x in xs]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))

        for p in model.parameters():
            p.grad = 0.0
        loss.backward()

        for p in model.parameters():
            p.data += -lr * p.grad

        losses.append(loss.data)
        # END SOLUTION
    return losses


if __name__ == "__main__":
    # python train.py: the lecture's cell, run once from a fixed draw of the weights
    import random
    random.seed(1337)
    model = MLP(3, [4, 4, 1])
    for k, loss in enumerate(train(model, xs, ys, steps=20, lr=0.1)):
        print(k, loss)
    print([model(x).data for x in xs])
